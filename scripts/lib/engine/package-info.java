//SOURCES Copier.java
//SOURCES CountingRunner.java
//SOURCES DockerCli.java
//SOURCES Engines.java
//SOURCES Inspector.java
//SOURCES ProcessRunner.java
//SOURCES Skopeo.java
//SOURCES ToolErrors.java
//SOURCES ZtExecRunner.java
/**
 * External processes: the runner every process goes through, and the skopeo and docker clients on it, with
 * what their failures mean. Above core only; it knows nothing of output.
 *
 * <p>The //SOURCES lines above list every class of the package, so that a script names the package in one
 * line; PackagesTest holds the list to the folder.
 */
package lib.engine;
