//SOURCES GitHubApi.java
//SOURCES IssueEvent.java
//SOURCES IssueReply.java
//SOURCES IssueRequest.java
//SOURCES IssueSync.java
//SOURCES Remember.java
/**
 * The issue flow (05): the event, the request in an issue's text, the answer, and GitHub's REST API.
 *
 * <p>The //SOURCES lines above list every class of the package, so that a script names the package in one
 * line; PackagesTest holds the list to the folder.
 */
package lib.issue;
