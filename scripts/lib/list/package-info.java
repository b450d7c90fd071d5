//SOURCES ImageList.java
//SOURCES ImageSpec.java
//SOURCES Inputs.java
//SOURCES ListAppend.java
//SOURCES Plan.java
//SOURCES SemVer.java
//SOURCES Shard.java
//SOURCES StackImages.java
//SOURCES TagPolicy.java
//SOURCES VersionRange.java
/**
 * What the user asked for: the images.txt grammar, tag policies and versions, naming and collisions (the plan),
 * and shards. Above core only.
 *
 * <p>The //SOURCES lines above list every class of the package, so that a script names the package in one
 * line; PackagesTest holds the list to the folder.
 */
package lib.list;
