//SOURCES Doctor.java
/**
 * --doctor: a checklist of what a sync needs, checked online without copying anything.
 *
 * <p>The //SOURCES Doctor.java
 * line; PackagesTest holds the list to the folder.
 */
package lib.doctor;
