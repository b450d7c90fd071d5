//SOURCES BoundedBody.java
//SOURCES Http.java
//SOURCES RateLimits.java
//SOURCES RegistryAuth.java
//SOURCES RegistryClient.java
//SOURCES RegistryProbe.java
/**
 * The registry API spoken directly: HEADs, manifests and tag lists with their authentication, proxies,
 * rate-limit headers, and the doctor's probes. Above core only; it knows nothing of output.
 *
 * <p>The //SOURCES lines above list every class of the package, so that a script names the package in one
 * line; PackagesTest holds the list to the folder.
 */
package lib.registry;
