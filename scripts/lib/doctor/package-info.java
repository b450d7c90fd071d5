//SOURCES Doctor.java
/**
 * --doctor: a checklist of what a sync needs, checked online without copying anything.
 *
 * <p>The //SOURCES lines above list every class of the package, so that a script names the package in one
 * line; PackagesTest holds the list to the folder.
 */
package lib.doctor;
