package console

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

// view is what every page template gets.
type view struct {
	Title   string
	Nav     string // the current section
	Base    string // the mount prefix, for links
	CSS     string
	Product string
	Session Session
	Admin   bool
	Notice  string
	Error   string
	Account store.Account
	SetUp   bool // the account exists and has a token or is on
	Data    any
}

var notices = map[string]string{
	"paused":  "Sync is paused. Your identity provider's requests are refused until you resume.",
	"resumed": "Sync resumed. Your identity provider can provision again with its existing token.",
	"revoked": "The token was revoked. Requests with it are refused from now on.",
	"domains": "Allowed domains saved.",
	"managed": "Group updated.",
	"resent":  "Invite sent again.",
	"idp":     "Identity provider saved. Its requests are read with its attribute mapping from now on.",
}

// base is the prefix the host mounted the console under (what
// http.StripPrefix removed), so that links work wherever it is mounted.
func base(r *http.Request) string {
	p := r.URL.EscapedPath()
	orig := r.URL.RawPath
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
		orig = u.EscapedPath()
	}
	if orig != "" && strings.HasSuffix(orig, p) {
		return strings.TrimSuffix(orig, p)
	}
	return ""
}

func (h *Handler) newView(r *http.Request, s Session, nav, title string) *view {
	v := &view{Title: title, Nav: nav, Base: base(r), Product: h.cfg.ProductName, Session: s, Admin: s.Member.CanAdminister()}
	v.CSS = h.cfg.Stylesheet
	if v.CSS == "" {
		v.CSS = v.Base + "/static/console.css"
	}
	v.Notice = notices[r.URL.Query().Get("done")]
	a, err := h.st.GetAccount(r.Context(), s.AccountID)
	if err == nil {
		v.Account = a
		toks, _ := h.st.ListTokens(r.Context(), s.AccountID)
		v.SetUp = a.ProvisioningEnabled || len(toks) > 0
	} else {
		v.Account = store.Account{ID: s.AccountID}
	}
	return v
}

func (h *Handler) parseTemplates() error {
	funcs := template.FuncMap{
		"when":    when,
		"ago":     func(t time.Time) string { return ago(h.now(), t) },
		"ms":      func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) },
		"join":    strings.Join,
		"inc":     func(i int) int { return i + 1 },
		"idpName": func(label string) string { p, _ := idpOfLabel(label); return p.Name },
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return fmt.Errorf("console: templates: %w", err)
	}
	pages, err := pageNames()
	if err != nil {
		return err
	}
	h.tmpl = map[string]*template.Template{}
	for _, p := range pages {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+p)
		if err != nil {
			return fmt.Errorf("console: template %s: %w", p, err)
		}
		h.tmpl[strings.TrimSuffix(p, ".html")] = t
	}
	return nil
}

func pageNames() ([]string, error) {
	entries, err := templateFS.ReadDir("templates")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.Name() != "layout.html" {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

func when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	default:
		return fmt.Sprintf("%d days ago", int(d.Hours()/24))
	}
}

func (h *Handler) render(w http.ResponseWriter, status int, name string, v *view) {
	var buf bytes.Buffer
	if err := h.tmpl[name].ExecuteTemplate(&buf, "layout.html", v); err != nil {
		h.lg.Error("console: render", slog.String("page", name), slog.Any("error", err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	s, _ := h.cfg.Resolve(r)
	v := &view{Title: title, Base: base(r), Product: h.cfg.ProductName, Session: s, Error: msg, Admin: s.Member.CanAdminister()}
	v.CSS = h.cfg.Stylesheet
	if v.CSS == "" {
		v.CSS = v.Base + "/static/console.css"
	}
	h.render(w, status, "error", v)
}

func (h *Handler) redirect(w http.ResponseWriter, r *http.Request, path, done string) {
	u := base(r) + path
	if done != "" {
		u += "?done=" + done
	}
	http.Redirect(w, r, u, http.StatusSeeOther)
}

// fail shows err on the error page (the admin's sentence, never internal
// text) and logs internal errors.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		h.lg.Error("console", slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	h.errorPage(w, r, status, "That did not work", userMessage(err))
}

// ---- overview and setup

type overviewData struct {
	IdPs    []IdP
	BaseURL string
	IdP     IdP
	Tokens  int
	Refused int
}

func (h *Handler) overview(w http.ResponseWriter, r *http.Request, s Session) {
	v := h.newView(r, s, "overview", "Provisioning")
	d := overviewData{IdPs: h.offered(), BaseURL: h.baseURL(r)}
	if toks, err := h.st.ListTokens(r.Context(), s.AccountID); err == nil {
		d.Tokens = len(toks)
		for _, t := range toks {
			if p, ok := idpOfLabel(t.Label); ok {
				d.IdP = p
			}
		}
	}
	if p, ok := idpByKey(v.Account.IdP); ok {
		d.IdP = p // the admin's choice, kept with the account
	}
	if d.IdP.Key == "" {
		d.IdP = IdPs[0]
	}
	if v.SetUp {
		if refused, err := h.cfg.Links.CheckDomains(r.Context(), s.AccountID); err == nil {
			d.Refused = len(refused)
		}
	}
	v.Data = d
	h.render(w, http.StatusOK, "overview", v)
}

// formIdP reads the identity provider a form picked; on a missing or
// unknown one it has answered with the form's error.
func (h *Handler) formIdP(w http.ResponseWriter, r *http.Request) (IdP, bool) {
	p, ok := idpByKey(r.PostFormValue("idp"))
	if !ok {
		h.fail(w, r, inputError{"Pick your identity provider: Okta, Microsoft Entra ID or another SCIM client."})
	}
	return p, ok
}

func (h *Handler) postSetup(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	p, ok := h.formIdP(w, r)
	if !ok {
		return
	}
	secret, err := h.cfg.Links.EnableProvisioning(r.Context(), s.AccountID, s.Member, p.Name, linking.ForIdP(p.Key))
	h.recordAdmin(r.Context(), r, s, "turned provisioning on for "+p.Name+" and created a token", err)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showOnce(w, r, s, secret, p)
}

// offered returns the identity providers the console has steps for that
// the Service accepts (linking.WithIdPs).
func (h *Handler) offered() []IdP {
	var out []IdP
	for _, p := range IdPs {
		if _, err := h.cfg.Links.CheckIdP(p.Key); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func (h *Handler) postIdP(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	p, ok := h.formIdP(w, r)
	if !ok {
		return
	}
	err := h.cfg.Links.SetIdP(r.Context(), s.AccountID, s.Member, p.Key)
	h.finish(w, r, s, "chose "+p.Name+" as the identity provider", err, "/", "idp")
}

// showOnce parks the new token for one view and redirects there, so that
// reloading the page never shows it again (and never mints another).
func (h *Handler) showOnce(w http.ResponseWriter, r *http.Request, s Session, secret string, p IdP) {
	id := h.flash.put(flash{account: s.AccountID, member: s.Member.ID, token: secret, idp: p.Key, expires: h.now().Add(10 * time.Minute)})
	http.Redirect(w, r, base(r)+"/setup/token?t="+id, http.StatusSeeOther)
}

type tokenData struct {
	Token   string
	BaseURL string
	IdP     IdP
	Gone    bool
}

func (h *Handler) showToken(w http.ResponseWriter, r *http.Request, s Session) {
	v := h.newView(r, s, "overview", "Your SCIM credentials")
	f, ok := h.flash.take(r.URL.Query().Get("t"), s)
	d := tokenData{BaseURL: h.baseURL(r), Gone: !ok}
	if ok {
		d.Token = f.token
		d.IdP, _ = idpByKey(f.idp)
	}
	v.Data = d
	h.render(w, http.StatusOK, "token", v)
}

func (h *Handler) postSync(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	var err error
	switch r.PostFormValue("sync") {
	case "pause":
		_, err = h.cfg.Links.PauseProvisioning(r.Context(), s.AccountID, s.Member)
		h.recordAdmin(r.Context(), r, s, "paused sync with the identity provider", err)
		if err == nil {
			h.redirect(w, r, "/", "paused")
			return
		}
	case "resume":
		_, err = h.cfg.Links.ResumeProvisioning(r.Context(), s.AccountID, s.Member)
		h.recordAdmin(r.Context(), r, s, "resumed sync with the identity provider", err)
		if err == nil {
			h.redirect(w, r, "/", "resumed")
			return
		}
	default:
		err = inputError{"Choose to pause or to resume sync."}
	}
	h.fail(w, r, err)
}

// ---- tokens

type tokensData struct {
	Tokens []linking.TokenInfo
	IdPs   []IdP
}

func (h *Handler) tokensPage(w http.ResponseWriter, r *http.Request, s Session) {
	v := h.newView(r, s, "tokens", "Tokens")
	d := tokensData{IdPs: h.offered()}
	if v.Admin {
		toks, err := h.cfg.Links.ListTokens(r.Context(), s.AccountID, s.Member)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			h.fail(w, r, err)
			return
		}
		d.Tokens = toks
	}
	v.Data = d
	h.render(w, http.StatusOK, "tokens", v)
}

func (h *Handler) postToken(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	p, ok := idpByKey(r.PostFormValue("idp"))
	if !ok {
		p = IdPs[len(IdPs)-1]
	}
	label := strings.TrimSpace(r.PostFormValue("label"))
	if label == "" {
		label = p.Name
	} else {
		label = p.Name + " " + truncate(label, 100)
	}
	secret, err := h.cfg.Links.MintToken(r.Context(), s.AccountID, s.Member, label)
	h.recordAdmin(r.Context(), r, s, fmt.Sprintf("created token %q", label), err)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showOnce(w, r, s, secret, p)
}

func (h *Handler) postRevoke(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	id := r.PathValue("id")
	label := id
	if toks, err := h.st.ListTokens(r.Context(), s.AccountID); err == nil {
		for _, t := range toks {
			if t.ID == id {
				label = t.Label
			}
		}
	}
	err := h.cfg.Links.RevokeToken(r.Context(), s.AccountID, s.Member, id)
	h.finish(w, r, s, fmt.Sprintf("revoked token %q", label), err, "/tokens", "revoked")
}

// ---- domains

type domainsData struct {
	Text      string
	Domains   []string
	Refused   []linking.DomainViolation
	Preflight bool
}

func (h *Handler) domainsPage(w http.ResponseWriter, r *http.Request, s Session) {
	v := h.newView(r, s, "domains", "Allowed domains")
	d := domainsData{Domains: v.Account.AllowedDomains, Text: strings.Join(v.Account.AllowedDomains, "\n")}
	v.Data = d
	h.render(w, http.StatusOK, "domains", v)
}

func splitDomains(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == ' ' || r == '\t' || r == ';' })
}

func (h *Handler) postDomains(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	v := h.newView(r, s, "domains", "Allowed domains")
	text := r.PostFormValue("domains")
	d := domainsData{Text: text, Domains: v.Account.AllowedDomains}
	norm, refused, err := h.cfg.Links.PreflightDomains(r.Context(), s.AccountID, splitDomains(text))
	if errors.Is(err, store.ErrNotFound) {
		norm, err = h.cfg.Links.NormalizeDomains(splitDomains(text)) // no account yet: no members to refuse
	}
	if err != nil {
		if statusOf(err) == http.StatusInternalServerError {
			h.fail(w, r, err)
			return
		}
		v.Error = userMessage(err)
		v.Data = d
		h.render(w, http.StatusBadRequest, "domains", v)
		return
	}
	if len(refused) > 0 && r.PostFormValue("confirm") != "yes" {
		d.Preflight, d.Refused, d.Text = true, refused, strings.Join(norm, "\n")
		v.Data = d
		h.render(w, http.StatusOK, "domains", v)
		return
	}
	err = h.cfg.Links.SetAllowedDomains(r.Context(), s.AccountID, s.Member, norm)
	h.finish(w, r, s, "set the allowed domains to "+strings.Join(norm, ", "), err, "/domains", "domains")
}

// finish records an admin action and answers it: the error page when it
// failed, else a redirect to path with the flash message.
func (h *Handler) finish(w http.ResponseWriter, r *http.Request, s Session, what string, err error, path, flash string) {
	h.recordAdmin(r.Context(), r, s, what, err)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, path, flash)
}

// ---- groups

type groupsData struct {
	Groups []store.Group
	Total  int
}

// maxGroups is the most groups the groups page lists.
const maxGroups = 500

func (h *Handler) groupsPage(w http.ResponseWriter, r *http.Request, s Session) {
	v := h.newView(r, s, "groups", "Managed groups")
	page, err := h.st.ListGroups(r.Context(), s.AccountID, store.Query{StartIndex: 1, Count: maxGroups})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.fail(w, r, err)
		return
	}
	v.Data = groupsData{Groups: page.Groups, Total: page.Total}
	h.render(w, http.StatusOK, "groups", v)
}

func (h *Handler) postManaged(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	managed := r.PostFormValue("managed") == "on"
	g, err := h.cfg.Links.SetGroupManaged(r.Context(), s.AccountID, s.Member, r.PathValue("id"), managed)
	what := "stopped managing group "
	if managed {
		what = "marked group managed: "
	}
	name := g.DisplayName
	if name == "" {
		name = r.PathValue("id")
	}
	h.finish(w, r, s, what+strconv.Quote(name), err, "/groups", "managed")
}

// ---- members

type membersData struct {
	Users      []store.User
	Total      int
	Start      int
	Next, Prev int
	Notifies   bool
}

const membersPage = 50

func (h *Handler) membersPage(w http.ResponseWriter, r *http.Request, s Session) {
	v := h.newView(r, s, "members", "Members")
	start, _ := strconv.Atoi(r.URL.Query().Get("start"))
	start = max(start, 1)
	page, err := h.st.ListUsers(r.Context(), s.AccountID, store.Query{StartIndex: start, Count: membersPage})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.fail(w, r, err)
		return
	}
	d := membersData{Users: page.Users, Total: page.Total, Start: start, Notifies: h.cfg.Links.Notifies()}
	if start+len(page.Users) <= page.Total {
		d.Next = start + len(page.Users)
	}
	if start > 1 {
		d.Prev = max(start-membersPage, 1)
	}
	v.Data = d
	h.render(w, http.StatusOK, "members", v)
}

func (h *Handler) postResend(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	u, err := h.cfg.Links.ResendInvite(r.Context(), s.AccountID, s.Member, r.PathValue("id"))
	name := u.UserName
	if name == "" {
		name = r.PathValue("id")
	}
	h.finish(w, r, s, "resent the invite to "+name, err, "/members", "resent")
}

// ---- activity

type activityData struct {
	Supported  bool
	Entries    []store.ActivityEntry
	ErrorsOnly bool
	User       string
	Older      int64
}

const activityPage = 50

func (h *Handler) activityQuery(r *http.Request) store.ActivityQuery {
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	return store.ActivityQuery{Before: max(before, 0), Limit: activityPage, ErrorsOnly: q.Get("errors") != "",
		Search: strings.TrimSpace(q.Get("user"))}
}

func (h *Handler) activityPage(w http.ResponseWriter, r *http.Request, s Session) {
	v := h.newView(r, s, "activity", "Activity")
	aq := h.activityQuery(r)
	d := activityData{Supported: h.log != nil, ErrorsOnly: aq.ErrorsOnly, User: aq.Search}
	if h.log != nil {
		es, err := h.log.ListActivity(r.Context(), s.AccountID, aq)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			h.fail(w, r, err)
			return
		}
		d.Entries = es
		if len(es) == activityPage {
			d.Older = es[len(es)-1].ID
		}
	}
	v.Data = d
	h.render(w, http.StatusOK, "activity", v)
}
