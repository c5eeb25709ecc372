// Command server is a runnable scimkit host: a SCIM 2.0 provisioning
// endpoint for one account, on the embedded in-memory store by default.
//
//	go run ./examples/server
//	go run ./examples/server -allowed-domains yourcompany.com
//	go run ./examples/server -seed examples/server/testdata/seed.json -addr 127.0.0.1:9000
//
// It prints the SCIM base URL and a bearer token to paste into Okta or
// Entra ID, logs one line per request, and shuts down cleanly on SIGINT.
//
// Flags:
//
//	-addr host:port   listen address (default 127.0.0.1:8080)
//	-token T          bearer token (default: $SCIM_TOKEN, else a new random one, printed)
//	-seed FILE        JSON directory of pre-existing host data loaded at start
//	-store S          "memory" (default), "sqlite:PATH" or "postgres://..."
//	-rate N           requests per second per account, 0 = unlimited (default 50)
//	-idp NAME         attribute mapping preset: "okta" (default) or "entra"
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
