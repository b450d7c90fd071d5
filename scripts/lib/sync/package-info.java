//SOURCES Batch.java
//SOURCES BatchLog.java
//SOURCES BlobRace.java
//SOURCES Decision.java
//SOURCES HeadCache.java
//SOURCES ImageResult.java
//SOURCES IndexSync.java
//SOURCES Logins.java
//SOURCES ManifestReader.java
//SOURCES PlatformSync.java
//SOURCES PullBudget.java
//SOURCES Reachability.java
//SOURCES SourceResolver.java
//SOURCES Status.java
//SOURCES SyncState.java
//SOURCES Syncer.java
//SOURCES TagExpansion.java
//SOURCES TargetResult.java
//SOURCES Unreachable.java
//SOURCES Written.java
/**
 * Deciding and copying: the skip ladder ({@link lib.sync.Decision}, which knows only core), one image at its
 * targets, the batch, the state file, logins, tag expansion, the run's one verdict per unreachable host
 * ({@link lib.sync.Reachability}), and the results they produce.
 *
 * <p>The //SOURCES lines above list every class of the package, so that a script names the package in one
 * line; PackagesTest holds the list to the folder.
 */
package lib.sync;
