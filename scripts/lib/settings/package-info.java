//SOURCES Auth.java
//SOURCES Settings.java
/**
 * Settings from the environment (targets, logins) and the run's private credentials on disk. Above core only.
 *
 * <p>The //SOURCES lines above list every class of the package, so that a script names the package in one
 * line; PackagesTest holds the list to the folder.
 */
package lib.settings;
