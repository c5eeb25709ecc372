package mappingtest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/mapping/mappingtest"
	"github.com/scimkit/scimkit/store"
)

var oktaCreate = filepath.Join("..", "..", "testdata", "okta", "users", "create_user.json")

// recorder is a testing.TB that records failures instead of failing, so
// that the helpers' own failure paths can be tested.
type recorder struct {
	testing.TB // nil: only the methods below may be called
	mu         sync.Mutex
	errors     []string
	fatal      bool
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.mu.Lock()
	r.fatal = true
	r.mu.Unlock()
	runtime.Goexit()
}

// run calls f with a recorder in its own goroutine (Fatalf ends it) and
// returns the recorder.
func run(f func(tb testing.TB)) *recorder {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

func oktaUser() store.User {
	return store.User{
		UserName:    "Test.User@example.com",
		ExternalID:  "00ujl29u0le5T6Aj10h7",
		Name:        store.Name{GivenName: "Test", FamilyName: "User"},
		DisplayName: "Test User",
		Locale:      "en-US",
		Emails:      []store.Email{{Value: "Test.User@example.com", Type: "work", Primary: true}},
	}
}

// The three lines a host writes.
func TestHostUsage(t *testing.T) {
	m := mappingtest.New(t, mapping.Okta())
	got := mappingtest.AssertUser(t, m, oktaCreate, oktaUser())
	mappingtest.AssertRoundTrip(t, m, got)
}

func TestAssertUserReportsEveryDifference(t *testing.T) {
	m := mappingtest.New(t, mapping.Okta())
	want := oktaUser()
	want.Name.GivenName = "Tess"
	want.Emails = nil
	want.Extra = map[string]any{"k": "v"}
	r := run(func(tb testing.TB) { mappingtest.AssertUser(tb, m, oktaCreate, want) })
	if r.fatal || len(r.errors) != 1 {
		t.Fatalf("want one non-fatal error, got fatal=%v %q", r.fatal, r.errors)
	}
	for _, line := range []string{
		`Name.GivenName: "Test" != "Tess"`,
		`Emails: []store.Email{store.Email{Value:"Test.User@example.com", Type:"work", Primary:true}} != []store.Email(nil)`,
		`Extra["k"]: (absent) != "v"`,
	} {
		if !strings.Contains(r.errors[0], line) {
			t.Errorf("report\n%s\nlacks %q", r.errors[0], line)
		}
	}
}

func TestHelpersFailClearly(t *testing.T) {
	m := mappingtest.New(t, mapping.Okta())
	dir := t.TempDir()
	notObject := filepath.Join(dir, "list.json")
	if err := os.WriteFile(notObject, []byte(`[1]`), 0o600); err != nil {
		t.Fatal(err)
	}
	null := filepath.Join(dir, "null.json")
	if err := os.WriteFile(null, []byte(`null`), 0o600); err != nil {
		t.Fatal(err)
	}
	badEmail := filepath.Join("..", "..", "testdata", "okta", "users", "create_user_bad_email.json")
	tests := []struct {
		name string
		f    func(tb testing.TB)
		want string
	}{
		{"invalid table", func(tb testing.TB) { mappingtest.New(tb, mapping.Table{}) }, "invalid table"},
		{"missing file", func(tb testing.TB) { mappingtest.Load(tb, filepath.Join(dir, "nope.json")) }, "no such file"},
		{"not an object", func(tb testing.TB) { mappingtest.Load(tb, notObject) }, "cannot unmarshal array"},
		{"null", func(tb testing.TB) { mappingtest.Load(tb, null) }, "not a JSON object"},
		{"payload rejected", func(tb testing.TB) { mappingtest.AssertUser(tb, m, badEmail, store.User{}) },
			`ToUser failed: emails[type eq "work"].value: "not-an-email" is not an email address`},
		{"payload accepted", func(tb testing.TB) { mappingtest.AssertInvalid(tb, m, oktaCreate, "userName") },
			"want a *mapping.Errors"},
		{"round-trip fails", func(tb testing.TB) {
			mappingtest.AssertRoundTrip(tb, m, store.User{UserName: " padded ", Emails: []store.Email{{Value: "A@X.IO"}}})
		}, `UserName: "padded" != " padded "`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(tt.f)
			if len(r.errors) == 0 {
				t.Fatal("the helper did not fail")
			}
			if !strings.Contains(strings.Join(r.errors, "\n"), tt.want) {
				t.Errorf("failure %q lacks %q", r.errors, tt.want)
			}
		})
	}
}

func TestAssertInvalid(t *testing.T) {
	m := mappingtest.New(t, mapping.Okta())
	badEmail := filepath.Join("..", "..", "testdata", "okta", "users", "create_user_bad_email.json")
	errs := mappingtest.AssertInvalid(t, m, badEmail, mapping.WorkEmail)
	if errs == nil || len(errs.Fields) != 1 {
		t.Fatalf("errors %v", errs)
	}
	r := run(func(tb testing.TB) { mappingtest.AssertInvalid(tb, m, badEmail, "userName") })
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], `problems for ["emails[type eq \"work\"].value"], want ["userName"]`) {
		t.Errorf("errors %q", r.errors)
	}
}

func TestDiff(t *testing.T) {
	a := store.User{UserName: "a", Extra: map[string]any{"x": 1.0}}
	if d := mappingtest.Diff(a, a.Clone()); d != nil {
		t.Errorf("Diff of equal users = %q", d)
	}
	b := a.Clone()
	b.Enterprise.ManagerID = "m"
	b.Extra["x"] = 2.0
	b.State = store.StateActive
	got := mappingtest.Diff(a, b)
	want := []string{`Enterprise.ManagerID: "" != "m"`, `Extra["x"]: 1 != 2`, `State: "" != "active"`} // field order
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Diff = %q, want %q", got, want)
	}
}

func ExampleDiff() {
	got := store.User{UserName: "ann@example.com", DisplayName: "Ann"}
	want := store.User{UserName: "ann@example.com", DisplayName: "Ann Lee", Name: store.Name{FamilyName: "Lee"}}
	for _, line := range mappingtest.Diff(got, want) {
		fmt.Println(line)
	}
	// Output:
	// Name.FamilyName: "" != "Lee"
	// DisplayName: "Ann" != "Ann Lee"
}

func TestAssertUpdate(t *testing.T) {
	m := mappingtest.New(t, mapping.Okta())
	put := filepath.Join("..", "..", "testdata", "okta", "users", "put_user.json")
	before := oktaUser()
	before.ID, before.State, before.Version, before.Title = "u-1", store.StateActive, 3, "kept: unmapped"
	want := before.Clone()
	want.Name.GivenName = "Testy"
	want.DisplayName = "Testy User"
	want.Locale = ""                               // absent from the PUT body
	want.Emails[0].Value = "test.user@example.com" // as the PUT sends it
	mappingtest.AssertUpdate(t, m, put, before, want)

	r := run(func(tb testing.TB) { mappingtest.AssertUpdate(tb, m, put, before, before) })
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], `Name.GivenName: "Testy" != "Test"`) {
		t.Errorf("errors %q", r.errors)
	}
}
