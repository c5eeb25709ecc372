// Package console is the admin console of hosted provisioning: the pages
// an owner or administrator of an account uses to set provisioning up and
// keep it running, and the same operations as a small JSON API.
//
// The host mounts the Handler behind its own login, for example at
// /settings/provisioning/, and tells it who is asking with
// Config.Resolve (request -> account and acting member). scimkit never
// authenticates admins itself. Only owners and administrators change
// anything; other members see the pages read-only, and their POSTs get a
// 403 page that says who can.
//
// Pages (server-rendered html/template, working with JavaScript off; a few
// lines of plain JS add copy buttons):
//
//   - Overview: "Set up hosted provisioning" with the identity provider
//     (Okta, Microsoft Entra ID, another SCIM client: kept as the
//     account's store.Account.IdP, which picks the SCIM handler's mapping,
//     and changeable later); then the sync
//     switch (pause and resume without touching tokens), the SCIM base
//     URL, the domain checks and the IdP's setup steps.
//   - The token page: the base URL and the bearer token, shown once with
//     copy buttons and the IdP's steps. The token travels from the POST
//     to this page through a one-time, in-memory slot, so reloading the
//     page never shows it again (and never mints another).
//   - Tokens: label, created, last used (never the secret); add a second
//     token while the first works; revoke.
//   - Allowed domains: edit the list; before saving, the preflight lists
//     the existing members the new list would refuse; public mail domains
//     are refused with a clear message.
//   - Groups: the "managed" switch per group; privileged groups locked,
//     with the reason.
//   - Members: invited (invited at, reminded at), active, suspended,
//     linked; resend an invite.
//   - Activity: the account's activity log (package activity), filterable
//     by "errors only" and by user, and the admin actions taken here.
//
// JSON API, under api/ of the same handler (same session, same role
// check): GET and POST api/setup, PUT api/sync, PUT api/idp, GET and POST api/tokens,
// DELETE api/tokens/{id}, GET and PUT api/domains (with "dryRun" for the
// preflight), GET api/groups, PUT api/groups/{id}, GET api/members, POST
// api/members/{id}/resend, GET api/activity. Errors are
// {"error": code, "message": sentence}.
//
// Every state-changing request goes through the standard library's
// http.CrossOriginProtection: a form posted from another site (the
// browser says so in Sec-Fetch-Site or Origin) is refused with 403 and
// changes nothing. Requests without those headers (curl, server-to-server
// calls of the JSON API) are let through, as the session the host
// resolves is what authorises them.
//
// Admin actions are written to the activity log (store.ActivityLog) at
// once, with the member's id and name; they also reach the change feed
// with the member as the actor (store.ActorAdmin), as every setup call of
// package linking does.
//
// The default stylesheet is served at static/console.css; Config.Stylesheet
// links another one instead. The token slot lives in the process: behind
// several replicas, keep an admin's requests on one (sticky sessions).
package console
