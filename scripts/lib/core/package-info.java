//SOURCES Context.java
//SOURCES Deadline.java
//SOURCES Digest.java
//SOURCES Env.java
//SOURCES ImageRef.java
//SOURCES Json.java
//SOURCES Lazy.java
//SOURCES Log.java
//SOURCES Login.java
//SOURCES Manifests.java
//SOURCES Naming.java
//SOURCES Platform.java
//SOURCES Platforms.java
//SOURCES Retry.java
//SOURCES Secret.java
//SOURCES SyncError.java
//SOURCES Target.java
//SOURCES TargetName.java
//SOURCES UsageError.java
/**
 * The bottom floor: the vocabulary every other package speaks, and nothing else. Image references and digests,
 * platforms, manifests as registries store them, target names, the per-image {@link lib.core.Context} (deadline,
 * temporary directory, log), the one retry policy, {@link lib.core.SyncError} with its kind, secrets, the
 * environment and JSON. It depends on no other package of the library.
 *
 * <p>The //SOURCES lines above list every class of the package, so that a script names the package in one
 * line; PackagesTest holds the list to the folder.
 */
package lib.core;
