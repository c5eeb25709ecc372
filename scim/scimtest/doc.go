// Package scimtest replays recorded identity-provider conversations
// ("flows") against a running SCIM service provider and checks every
// answer, the way net/http/httptest helps test HTTP handlers.
//
// scimkit's own tests replay the Okta and Entra ID flows in the
// repository's testdata/okta/flows and testdata/entra/flows (user
// lifecycle, import paging, group push, test connection), and the generic
// SCIM clients' flows in testdata/generic/flows (Microsoft's reference
// test collection, member display) against the generic preset; a host copies
// those files into its own testdata and replays them against its handler
// mounted on its own store adapter and mapping, to prove that the IdPs will
// accept it. The flows expect an account with provisioning on whose allowed
// domains include example.com:
//
//	srv := httptest.NewServer(http.StripPrefix("/scim/v2", h))
//	defer srv.Close()
//	scimtest.Replay(t, srv.URL+"/scim/v2", token, "testdata/okta/flows/user_lifecycle.json")
//
// For a store adapter, Serve does that setup on the adapter (the account,
// a token, the handler with an IdP's preset mapping, a test server) and
// ReplayFlows replays every flow of a testdata directory, one subtest each:
//
//	scimtest.ReplayFlows(t, "testdata", func(t *testing.T, idp string) (string, string) {
//		return scimtest.Serve(t, newStore(t), idp) // a fresh store per flow
//	})
//
// # Flow files
//
// A flow is a JSON document:
//
//	{
//	  "name": "what the flow shows",
//	  "steps": [
//	    {
//	      "name": "pre-create lookup",
//	      "request": {
//	        "method": "GET",
//	        "path": "/Users?filter=userName%20eq%20%22a@x.com%22",
//	        "headers": {"Accept": "application/scim+json"},
//	        "body": {...}                // JSON, sent as is; or "rawBody": "..."
//	      },
//	      "response": {
//	        "status": 200,
//	        "headers": {"Content-Type": "application/scim+json"},
//	        "body": {"totalResults": 0, "Resources": []}
//	      },
//	      "capture": {"uid": "id"}       // remember response values for later steps
//	    }
//	  ]
//	}
//
// ConcurrentPatches is a load check of one rule rather than a flow: n
// PATCHes without If-Match on one user at once are all answered 200 and
// all applied (the handler queues and retries them; only a stale If-Match
// gets 412).
//
// ConcurrentCreatesSameEmail is another: n creates with different
// userNames and one email at once give one 201 and n-1 409s, and one user.
//
// Request paths are relative to the base URL. Every step sends
// "Authorization: Bearer <token>" unless its headers set Authorization
// (an empty value sends none). "{{name}}" anywhere in a path, header or
// body string is replaced by a captured value. Captures name a value in
// the response body by a dotted path ("Resources.0.id", "meta.version")
// or a header ("header:ETag").
//
// The expected body is matched as a subset: every key given must be in
// the answer with an equal value (objects recursively; arrays must have
// the same length and match element by element, unless the expected array
// is {"$contains": [...]}, which requires each listed element to match
// some element of the answer). Special strings: "$any" matches any
// present, non-null value; "$absent" requires the key to be missing.
// Numbers must be JSON numbers (so "totalResults": 1 checks the type too).
package scimtest
