package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/scimkit/scimkit/store"
)

// The browser tests drive headless Chromium (Debian's chromium package;
// .ci/run installs it) through the console as an admin would. Without a
// browser they skip, saying so, except under CI=true, where they fail.
// Screenshots of every page go to $SCIMKIT_SCREENSHOTS (default: a
// directory under the system temp dir, logged), never into the repo.

func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if p := "/usr/bin/chromium"; fileExists(p) {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("browser tests: no chromium found, and CI=true: install Debian's chromium package (.ci/run does)")
	}
	t.Skip("browser tests skipped: no chromium on PATH (apt-get install chromium to run them)")
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

type browser struct {
	t    *testing.T
	ctx  context.Context
	dir  string
	base string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	exe := findChromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-dev-shm-usage", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel3)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("about:blank")), "start chromium")
	dir := os.Getenv("SCIMKIT_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "scimkit-console-screenshots")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	t.Logf("screenshots in %s", dir)
	return &browser{t: t, ctx: ctx, dir: dir, base: base}
}

func (b *browser) run(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	require.NoError(b.t, chromedp.Do(b.ctx, actions...))
}

// get runs one action that returns a value.
func get[T any](b *browser, a chromedp.Action[T]) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	require.NoError(b.t, err)
	return v
}

func (b *browser) open(path string) { b.t.Helper(); b.run(chromedp.Navigate(b.base + path)) }

func (b *browser) shot(name string) {
	b.t.Helper()
	// A page that has just loaded may not be laid out yet ("0 width"):
	// wait for it to finish, and try again a few times.
	var png []byte
	var err error
	for range 10 {
		if _, err = chromedp.Run(b.ctx, chromedp.Poll[bool](`document.readyState === "complete" && document.body.getBoundingClientRect().width > 0`)); err == nil {
			if png, err = chromedp.Run(b.ctx, chromedp.FullScreenshot(100)); err == nil {
				break
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	require.NoError(b.t, err, "screenshot %s", name)
	require.NoError(b.t, os.WriteFile(filepath.Join(b.dir, name+".png"), png, 0o644))
}

func (b *browser) html() string {
	b.t.Helper()
	return get(b, chromedp.OuterHTML(chromedp.CSS("html")))
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	b.run(chromedp.WaitVisible(chromedp.CSS(sel)))
	return get(b, chromedp.Text(chromedp.CSS(sel)))
}

func (b *browser) value(sel string) string {
	b.t.Helper()
	b.run(chromedp.WaitVisible(chromedp.CSS(sel)))
	return get(b, chromedp.Value(chromedp.CSS(sel)))
}

// click clicks and waits for the next page's body.
func (b *browser) click(sel string) {
	b.t.Helper()
	b.run(chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)), chromedp.Sleep(200*time.Millisecond),
		chromedp.WaitReady(chromedp.CSS("footer")))
}

func TestBrowserWalkthrough(t *testing.T) {
	w := newWorld(t)
	b := newBrowser(t, w.srv.URL)
	ctx := context.Background()
	owner := members["owner"].Member
	require.NoError(t, w.links.SetAllowedDomains(ctx, acct, owner, []string{"acme.com", "acme.org"}))
	_, err := w.st.CreateUser(ctx, acct, store.User{UserName: "bob", DisplayName: "Bob Builder", State: store.StateActive,
		Emails: []store.Email{{Value: "bob@acme.org", Primary: true}}})
	require.NoError(t, err)
	eng, err := w.st.CreateGroup(ctx, acct, store.Group{DisplayName: "Engineering"}, nil)
	require.NoError(t, err)
	_, err = w.st.CreateGroup(ctx, acct, store.Group{DisplayName: "Administrators", Privileged: true}, nil)
	require.NoError(t, err)

	// Log in and turn provisioning on.
	b.open("/login?as=owner")
	b.run(chromedp.WaitVisible(chromedp.CSS("#setup")))
	b.shot("01-setup")
	b.click(`input[value="okta"]`)
	b.click("#setup")
	first := b.value("#token")
	require.NotEmpty(t, first, "the token is shown")
	assert.Equal(t, w.srv.URL+"/scim/v2", b.value("#baseurl"))
	assert.Contains(t, b.html(), "Deactivate Users")
	b.shot("02-token-once")

	// Reload: the token is gone.
	b.run(chromedp.Reload())
	assert.Contains(t, b.text("#token-gone"), "shown only once")
	assert.NotContains(t, b.html(), first)
	b.shot("03-token-gone")
	status, _ := w.scimReq(t, first, "GET", "/Users", "")
	require.Equal(t, http.StatusOK, status)

	// A second token, then revoke the first.
	b.open("/admin/tokens")
	b.run(chromedp.SetValue(chromedp.CSS(`input[name="label"]`), "rotation"))
	b.click("#add-token")
	second := b.value("#token")
	require.NotEmpty(t, second)
	require.NotEqual(t, first, second)
	toks, err := w.st.ListTokens(ctx, acct)
	require.NoError(t, err)
	require.Len(t, toks, 2)
	require.NoError(t, w.rec.Flush(ctx))
	b.open("/admin/tokens")
	b.shot("04-tokens")
	b.click(`button[value="` + toks[0].ID + `"]`)
	assert.Contains(t, b.text("#notice"), "revoked")
	status, _ = w.scimReq(t, first, "GET", "/Users", "")
	assert.Equal(t, http.StatusUnauthorized, status, "a SCIM request with the revoked token")
	status, _ = w.scimReq(t, second, "GET", "/Users", "")
	assert.Equal(t, http.StatusOK, status)

	// Domain preflight lists the member who would be refused.
	b.open("/admin/domains")
	b.shot("05-domains")
	b.run(chromedp.SetValue(chromedp.CSS("#domains"), "acme.com"))
	b.click("#save-domains")
	assert.Contains(t, b.text("#preflight"), "1 existing member would be refused")
	assert.Contains(t, b.text("#refused"), "bob@acme.org")
	b.shot("06-domains-preflight")
	b.run(chromedp.SetValue(chromedp.CSS("#domains"), "acme.com\ngmail.com"))
	b.click("#save-anyway")
	assert.Contains(t, b.text("#error"), "public mail domain")
	b.shot("07-domains-public")
	b.open("/admin/domains")
	b.run(chromedp.SetValue(chromedp.CSS("#domains"), "acme.com\nacme.org"))
	b.click("#save-domains")
	assert.Contains(t, b.text("#notice"), "saved")

	// Mark a group managed: the IdP sees it.
	_, body := w.scimReq(t, second, "GET", "/Groups", "")
	assert.NotContains(t, body, "Engineering")
	b.open("/admin/groups")
	b.click("#group-" + eng.ID + ` button[value="on"]`)
	assert.Contains(t, b.text("#notice"), "Group updated")
	b.shot("08-groups")
	_, body = w.scimReq(t, second, "GET", "/Groups", "")
	assert.Contains(t, body, "Engineering", "the IdP can see the managed group")

	// Pause: 403; resume: it works.
	b.open("/admin/")
	b.click("#pause")
	assert.Equal(t, "Paused", b.text("#status"))
	b.shot("09-paused")
	status, _ = w.scimReq(t, second, "GET", "/Users", "")
	assert.Equal(t, http.StatusForbidden, status, "paused")
	b.click("#resume")
	assert.Equal(t, "On", b.text("#status"))
	status, _ = w.scimReq(t, second, "GET", "/Users", "")
	assert.Equal(t, http.StatusOK, status, "resumed with the same token")
	b.shot("10-overview")

	// An IdP error shows in the activity log with its detail.
	status, _ = w.scimReq(t, second, "POST", "/Users", userJSON("eve@gmail.com"))
	require.Equal(t, http.StatusBadRequest, status)
	status, _ = w.scimReq(t, second, "POST", "/Users", userJSON("ivy@acme.com"))
	require.Equal(t, http.StatusCreated, status)
	_, err = w.links.DeliverPending(ctx)
	require.NoError(t, err)
	require.NoError(t, w.rec.Flush(ctx))
	b.open("/admin/activity")
	b.shot("11-activity")
	b.click(`input[name="errors"]`)
	b.click(`.filters button`)
	log := b.text("#activity")
	assert.Contains(t, log, "eve@gmail.com")
	assert.Contains(t, log, "public mail domain", "the error's detail")
	assert.NotContains(t, log, "ivy@acme.com", "errors only")
	b.shot("12-activity-errors")

	b.open("/admin/members")
	assert.Contains(t, b.text("#members"), "ivy@acme.com")
	b.shot("13-members")

	// A phone.
	b.run(chromedp.EmulateViewport(390, 844))
	b.open("/admin/")
	b.shot("14-phone-overview")
	b.open("/admin/activity")
	b.shot("15-phone-activity")
	b.run(chromedp.EmulateViewport(1280, 900))

	// A member sees the pages read-only and cannot change anything.
	b.open("/login?as=member")
	assert.Contains(t, b.text("#readonly"), "Only an owner or administrator")
	assert.NotContains(t, b.html(), `id="pause"`)
	b.shot("16-member-readonly")
}

// TestBrowserCrossSitePostRefused: a page on another origin that posts a
// form to the console (with the admin's cookie) is refused.
func TestBrowserCrossSitePostRefused(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	_, err := w.links.EnableProvisioning(ctx, acct, members["owner"].Member, "Okta")
	require.NoError(t, err)
	evil := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(rw, `<form id="f" method="post" action="%s/admin/sync"><input name="sync" value="pause"><button id="go">Win a prize</button></form>`, w.srv.URL)
	}))
	t.Cleanup(evil.Close)
	b := newBrowser(t, w.srv.URL)
	b.open("/login?as=owner")
	b.run(chromedp.WaitVisible(chromedp.CSS("#status")))
	b.run(chromedp.Navigate(evil.URL))
	b.click("#go")
	page := b.html()
	assert.True(t, strings.Contains(page, "sent from another site"), "the console refused the cross-site form")
	b.shot("17-cross-site-refused")
	a, err := w.st.GetAccount(ctx, acct)
	require.NoError(t, err)
	assert.True(t, a.ProvisioningEnabled, "the cross-site POST changed nothing")
}
