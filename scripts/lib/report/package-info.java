//SOURCES Catalog.java
//SOURCES Console.java
//SOURCES Merge.java
//SOURCES MirrorFiles.java
//SOURCES Outcome.java
//SOURCES Report.java
//SOURCES Summary.java
//SOURCES Webhook.java
/**
 * Output: the console, the report file, summaries, the mirror catalog and webhook messages, all rendered from
 * results. It knows no engine.
 *
 * <p>The //SOURCES lines above list every class of the package, so that a script names the package in one
 * line; PackagesTest holds the list to the folder.
 */
package lib.report;
