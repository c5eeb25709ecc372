// Package mappingtest helps hosts unit-test their attribute mapping rules
// without an HTTP server, the way net/http/httptest helps test handlers.
//
// A test that "this IdP payload gives this host user" is three lines:
//
//	func TestOktaCreate(t *testing.T) {
//		m := mappingtest.New(t, mapping.Okta())
//		mappingtest.AssertUser(t, m, "testdata/okta/users/create_user.json", store.User{
//			UserName: "Test.User@example.com",
//			// ...
//		})
//	}
//
// Payload files hold the JSON body the IdP sends (a POST or PUT of a
// User), saved as it arrives; id, meta, password, groups and active in
// them are ignored by the mapper exactly as on a real request.
package mappingtest
