// Command server is a runnable scimkit host: a SCIM 2.0 provisioning
// endpoint for one account, on the embedded in-memory store by default.
//
//	go run ./examples/server
//	go run ./examples/server -allowed-domains yourcompany.com
//	go run ./examples/server -seed examples/server/testdata/seed.json -addr 127.0.0.1:9000
//
// It prints the SCIM base URL and a bearer token to paste into Okta or
// Entra ID on stdout, logs one line per request on stderr, and shuts down
// cleanly on SIGINT.
//
// The token: with none given the server mints one (linking.NewToken) and
// prints it once, on stdout; the log never shows it. A token of your own
// comes from $SCIM_TOKEN or -token-file (or -token, which other users of
// the machine can read in the process list) and is never printed. It must
// be at least 32 characters of letters, digits and -._~+/ (RFC 6750's
// token alphabet), for example `openssl rand -base64 32`; the server
// refuses a shorter one.
//
// It also mounts the admin console (package console) at /admin/ behind a
// development login, and prints a one-time link that logs the viewer in
// as the account's owner:
//
//	Admin console: http://127.0.0.1:8080/admin/?login=...
//
// Every SCIM request's outcome is recorded in the activity log (package
// activity), which the console's Activity page shows.
//
// Flags:
//
//	-addr host:port   listen address (default 127.0.0.1:8080)
//	-token-file FILE  read the bearer token from FILE
//	-token T          bearer token on the command line (visible in ps: prefer
//	                  $SCIM_TOKEN or -token-file); default: a new random one
//	-seed FILE        JSON directory of pre-existing host data loaded at start
//	-store S          "memory" (default), "sqlite:PATH" or "postgres://..."
//	-rate N           requests per second per account, 0 = unlimited (default 50)
//	-idp NAME         attribute mapping preset: "okta" (default), "entra" or "generic"; recorded as the account's IdP when it has none
//	-account ID       the host account the token belongs to (default "default")
//	-allowed-domains  comma-separated email domains members may have (added to the seed's)
//	-base-url URL     public SCIM base URL for meta.location (default http://ADDR/scim/v2)
//	-webhook URL      deliver the change feed to URL as signed webhooks (default: log each event)
//	-webhook-secret S the webhook signing secret, whsec_... (default: $SCIM_WEBHOOK_SECRET)
//	-new-webhook-secret  print a new webhook secret and exit
//
// The change feed: every change (the IdP's and the server's own) is
// recorded in the store with the change and delivered in order, at least
// once, even across crashes: with -webhook as Standard Webhooks POSTs to
// URL (retried with backoff), without it as one "event" log line each.
// Invites and reminders are sent from the feed too (here: logged).
//
// The account rules apply: members' email domains must be allowed. Until
// -allowed-domains or the -seed file names domains, the account allows any
// domain but public mail domains (linking.AnyDomain), and says so at start.
package main
