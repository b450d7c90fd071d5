//SOURCES Auth.java
//SOURCES Settings.java
/**
 * Settings from the environment (targets, logins) and the run's private credentials on disk. Above core only.
 *
 * <p>The //SOURCES Auth.java
//SOURCES Settings.java
 * line; PackagesTest holds the list to the folder.
 */
package lib.settings;
