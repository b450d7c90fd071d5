//SOURCES GitHubApi.java
//SOURCES IssueEvent.java
//SOURCES IssueReply.java
//SOURCES IssueRequest.java
//SOURCES IssueSync.java
//SOURCES Remember.java
/**
 * The issue flow (05): the event, the request in an issue's text, the answer, and GitHub's REST API.
 *
 * <p>The //SOURCES GitHubApi.java
//SOURCES IssueEvent.java
//SOURCES IssueReply.java
//SOURCES IssueRequest.java
//SOURCES IssueSync.java
//SOURCES Remember.java
 * line; PackagesTest holds the list to the folder.
 */
package lib.issue;
