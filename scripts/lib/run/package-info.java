//SOURCES SyncOptions.java
//SOURCES SyncRun.java
/**
 * The run: one sync from what was asked to the report ({@link lib.run.SyncRun}), and the options sync.java and
 * issue.java share ({@link lib.run.SyncOptions}). Above report and doctor; below the issue flow and the scripts.
 *
 * <p>The //SOURCES lines above list every class of the package, so that a script names the package in one
 * line; PackagesTest holds the list to the folder.
 */
package lib.run;
