// Package scimkit is the root of the scimkit module: an embeddable Go SDK
// that gives a Go service hosted SCIM 2.0 provisioning, so that its
// customers' Okta or Entra ID creates, updates, suspends and reactivates
// their users and pushes their groups. This package holds no code; the
// module's packages are:
//
//   - scim: the http.Handler to mount (scim.New), start here;
//   - linking: the account rules (email linking, invites and reminders,
//     allowed domains, managed groups, the sync switch, tokens), the
//     linking.Service the handler is built from;
//   - store: the domain types and storage interfaces, with the adapters
//     store/memstore (embedded) and store/sqlstore (PostgreSQL, SQLite) and
//     the conformance suite store/storetest for your own;
//   - mapping: which SCIM attribute fills which host field (Okta and Entra
//     presets), with mapping/mappingtest;
//   - scim/scimtest: replays recorded Okta and Entra conversations against
//     your handler.
//
// examples/server is a runnable host (go run ./examples/server); the
// README walks through mounting the handler and what the admin pastes into
// the IdP.
package scimkit
