package console

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/store"
)

// The JSON API: the pages' operations for hosts with their own front end.
// Bodies are JSON objects; errors are {"error": code, "message": sentence}
// with the HTTP status (400 refused by a rule, 401 no session, 403 not an
// owner or administrator or a cross-origin request, 404 not found).

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeJSONError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]string{"error": code, "message": msg})
}

func (h *Handler) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		h.lg.Error("console api", slog.String("path", r.URL.Path), slog.Any("error", err))
	}
	code := map[int]string{400: "refused", 403: "not_authorized", 404: "not_found", 409: "unavailable", 500: "internal"}[status]
	writeJSONError(w, status, code, userMessage(err))
}

// decode reads a JSON body of at most 64 KiB into v.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	if err := dec.Decode(v); err != nil {
		return inputError{"the request body must be a JSON object of the documented form"}
	}
	return nil
}

type apiAccount struct {
	ID                  string    `json:"id"`
	ProvisioningEnabled bool      `json:"provisioningEnabled"`
	AllowedDomains      []string  `json:"allowedDomains"`
	SCIMBaseURL         string    `json:"scimBaseUrl"`
	SetUp               bool      `json:"setUp"`
	IdP                 string    `json:"idp"`
	Modified            time.Time `json:"modified,omitzero"`
}

func (h *Handler) apiAccount(r *http.Request, s Session) (apiAccount, error) {
	out := apiAccount{ID: s.AccountID, AllowedDomains: []string{}, SCIMBaseURL: h.baseURL(r)}
	a, err := h.st.GetAccount(r.Context(), s.AccountID)
	if errors.Is(err, store.ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	toks, err := h.st.ListTokens(r.Context(), s.AccountID)
	if err != nil {
		return out, err
	}
	out.ProvisioningEnabled, out.Modified, out.IdP = a.ProvisioningEnabled, a.Modified, a.IdP
	out.SetUp = a.ProvisioningEnabled || len(toks) > 0
	if a.AllowedDomains != nil {
		out.AllowedDomains = a.AllowedDomains
	}
	return out, nil
}

func (h *Handler) apiGetSetup(w http.ResponseWriter, r *http.Request, s Session) {
	a, err := h.apiAccount(r, s)
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

type apiNewToken struct {
	Token       string     `json:"token"`
	SCIMBaseURL string     `json:"scimBaseUrl"`
	IdP         string     `json:"idp"`
	Account     apiAccount `json:"account"`
}

// apiPostSetup: {"idp": "okta"|"entra"|"other"} turns provisioning on and
// returns the token, once.
func (h *Handler) apiPostSetup(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	p, ok := h.decodeIdP(w, r)
	if !ok {
		return
	}
	secret, err := h.cfg.Links.EnableProvisioning(r.Context(), s.AccountID, s.Member, p.Name, linking.ForIdP(p.Key))
	h.recordAdmin(r.Context(), r, s, "turned provisioning on for "+p.Name+" and created a token", err)
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	a, _ := h.apiAccount(r, s)
	writeJSON(w, http.StatusCreated, apiNewToken{Token: secret, SCIMBaseURL: h.baseURL(r), IdP: p.Key, Account: a})
}

// decodeIdP reads a {"idp": "okta"|"entra"|"generic"} body; on a bad one
// it has answered the error and reports false.
func (h *Handler) decodeIdP(w http.ResponseWriter, r *http.Request) (IdP, bool) {
	var in struct {
		IdP string `json:"idp"`
	}
	if err := decode(r, &in); err != nil {
		h.apiFail(w, r, err)
		return IdP{}, false
	}
	p, ok := idpByKey(in.IdP)
	if !ok {
		h.apiFail(w, r, inputError{`"idp" must be "okta", "entra" or "generic"`})
		return IdP{}, false
	}
	return p, true
}

// apiPutSync: {"enabled": bool} pauses or resumes sync (tokens untouched).
func (h *Handler) apiPutSync(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	var in struct {
		Enabled *bool `json:"enabled"`
	}
	if err := decode(r, &in); err != nil || in.Enabled == nil {
		h.apiFail(w, r, inputError{`send {"enabled": true} to resume or {"enabled": false} to pause`})
		return
	}
	var err error
	if *in.Enabled {
		_, err = h.cfg.Links.ResumeProvisioning(r.Context(), s.AccountID, s.Member)
		h.recordAdmin(r.Context(), r, s, "resumed sync with the identity provider", err)
	} else {
		_, err = h.cfg.Links.PauseProvisioning(r.Context(), s.AccountID, s.Member)
		h.recordAdmin(r.Context(), r, s, "paused sync with the identity provider", err)
	}
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	h.apiGetSetup(w, r, s)
}

// apiPutIdP: {"idp": "okta"|"entra"|"generic"} changes the account's
// identity provider (and so the mapping its requests are read with).
func (h *Handler) apiPutIdP(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	p, ok := h.decodeIdP(w, r)
	if !ok {
		return
	}
	err := h.cfg.Links.SetIdP(r.Context(), s.AccountID, s.Member, p.Key)
	h.recordAdmin(r.Context(), r, s, "chose "+p.Name+" as the identity provider", err)
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	h.apiGetSetup(w, r, s)
}

type apiToken struct {
	ID       string    `json:"id"`
	Label    string    `json:"label"`
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"lastUsed,omitzero"`
}

func (h *Handler) apiGetTokens(w http.ResponseWriter, r *http.Request, s Session) {
	toks, err := h.cfg.Links.ListTokens(r.Context(), s.AccountID, s.Member)
	if errors.Is(err, store.ErrNotFound) {
		toks, err = nil, nil
	}
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	out := make([]apiToken, len(toks))
	for i, t := range toks {
		out[i] = apiToken{t.ID, t.Label, t.Created, t.LastUsed}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
}

// apiPostToken: {"label": "..."} adds a token (the old ones keep working).
func (h *Handler) apiPostToken(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	var in struct {
		Label string `json:"label"`
		IdP   string `json:"idp"`
	}
	if err := decode(r, &in); err != nil {
		h.apiFail(w, r, err)
		return
	}
	p, ok := idpByKey(in.IdP)
	if !ok {
		p = IdPs[len(IdPs)-1]
	}
	label := truncate(in.Label, 100)
	if label == "" {
		label = p.Name
	}
	secret, err := h.cfg.Links.MintToken(r.Context(), s.AccountID, s.Member, label)
	h.recordAdmin(r.Context(), r, s, "created token "+label, err)
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	a, _ := h.apiAccount(r, s)
	writeJSON(w, http.StatusCreated, apiNewToken{Token: secret, SCIMBaseURL: h.baseURL(r), IdP: p.Key, Account: a})
}

func (h *Handler) apiDeleteToken(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	err := h.cfg.Links.RevokeToken(r.Context(), s.AccountID, s.Member, r.PathValue("id"))
	h.recordAdmin(r.Context(), r, s, "revoked token "+r.PathValue("id"), err)
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type apiViolation struct {
	UserID   string `json:"userId"`
	UserName string `json:"userName"`
	Email    string `json:"email"`
	State    string `json:"state"`
	Reason   string `json:"reason"`
}

func violations(vs []linking.DomainViolation) []apiViolation {
	out := make([]apiViolation, len(vs))
	for i, v := range vs {
		out[i] = apiViolation{v.UserID, v.UserName, v.Email, string(v.State), userMessage(v.Reason)}
	}
	return out
}

func (h *Handler) apiGetDomains(w http.ResponseWriter, r *http.Request, s Session) {
	a, err := h.apiAccount(r, s)
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	refused := []linking.DomainViolation{}
	if a.SetUp {
		if refused, err = h.cfg.Links.CheckDomains(r.Context(), s.AccountID); err != nil {
			h.apiFail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"domains": a.AllowedDomains, "refused": violations(refused)})
}

// apiPutDomains: {"domains": [...], "dryRun": bool}. With dryRun it only
// returns the preflight: the normalised list and the members it would
// refuse.
func (h *Handler) apiPutDomains(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	var in struct {
		Domains []string `json:"domains"`
		DryRun  bool     `json:"dryRun"`
	}
	if err := decode(r, &in); err != nil {
		h.apiFail(w, r, err)
		return
	}
	norm, refused, err := h.cfg.Links.PreflightDomains(r.Context(), s.AccountID, in.Domains)
	if errors.Is(err, store.ErrNotFound) {
		norm, err = h.cfg.Links.NormalizeDomains(in.Domains)
	}
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	if !in.DryRun {
		err = h.cfg.Links.SetAllowedDomains(r.Context(), s.AccountID, s.Member, norm)
		h.recordAdmin(r.Context(), r, s, "set the allowed domains to "+joinOrNone(norm), err)
		if err != nil {
			h.apiFail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"domains": norm, "refused": violations(refused), "saved": !in.DryRun})
}

func joinOrNone(ds []string) string {
	if len(ds) == 0 {
		return "none"
	}
	s := ds[0]
	for _, d := range ds[1:] {
		s += ", " + d
	}
	return s
}

type apiGroup struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Managed     bool   `json:"managed"`
	Privileged  bool   `json:"privileged"`
	Linked      bool   `json:"linked"`
}

func (h *Handler) apiGetGroups(w http.ResponseWriter, r *http.Request, s Session) {
	page, err := h.st.ListGroups(r.Context(), s.AccountID, store.Query{StartIndex: 1, Count: maxGroups})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.apiFail(w, r, err)
		return
	}
	out := make([]apiGroup, len(page.Groups))
	for i, g := range page.Groups {
		out[i] = apiGroup{g.ID, g.DisplayName, g.Managed, g.Privileged, g.Linked}
	}
	writeJSON(w, http.StatusOK, map[string]any{"groups": out, "total": page.Total})
}

// apiPutGroup: {"managed": bool}.
func (h *Handler) apiPutGroup(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	var in struct {
		Managed *bool `json:"managed"`
	}
	if err := decode(r, &in); err != nil || in.Managed == nil {
		h.apiFail(w, r, inputError{`send {"managed": true} or {"managed": false}`})
		return
	}
	g, err := h.cfg.Links.SetGroupManaged(r.Context(), s.AccountID, s.Member, r.PathValue("id"), *in.Managed)
	action := "stopped managing group " + r.PathValue("id")
	if *in.Managed {
		action = "marked group managed: " + r.PathValue("id")
	}
	h.recordAdmin(r.Context(), r, s, action, err)
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, apiGroup{g.ID, g.DisplayName, g.Managed, g.Privileged, g.Linked})
}

type apiMember struct {
	ID         string    `json:"id"`
	UserName   string    `json:"userName"`
	Email      string    `json:"email,omitempty"`
	State      string    `json:"state"`
	Linked     bool      `json:"linked"`
	InvitedAt  time.Time `json:"invitedAt,omitzero"`
	RemindedAt time.Time `json:"remindedAt,omitzero"`
	AcceptedAt time.Time `json:"acceptedAt,omitzero"`
}

func (h *Handler) apiGetMembers(w http.ResponseWriter, r *http.Request, s Session) {
	q := r.URL.Query()
	start := atoiDefault(q.Get("startIndex"), 1)
	count := min(max(atoiDefault(q.Get("count"), 100), 0), 500)
	page, err := h.st.ListUsers(r.Context(), s.AccountID, store.Query{StartIndex: start, Count: count})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.apiFail(w, r, err)
		return
	}
	out := make([]apiMember, len(page.Users))
	for i, u := range page.Users {
		out[i] = apiMember{u.ID, u.UserName, u.PrimaryEmail(), string(u.State), u.Linked, u.InvitedAt, u.RemindedAt, u.AcceptedAt}
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": out, "total": page.Total, "startIndex": max(start, 1)})
}

func (h *Handler) apiPostResend(w http.ResponseWriter, r *http.Request, s Session) {
	if !h.mustAdmin(w, r, s) {
		return
	}
	u, err := h.cfg.Links.ResendInvite(r.Context(), s.AccountID, s.Member, r.PathValue("id"))
	h.recordAdmin(r.Context(), r, s, "resent the invite to "+firstNonEmpty(u.UserName, r.PathValue("id")), err)
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"resent": true, "userId": u.ID})
}

type apiEntry struct {
	ID           int64     `json:"id"`
	Time         time.Time `json:"time"`
	Kind         string    `json:"kind"`
	Method       string    `json:"method,omitempty"`
	Path         string    `json:"path,omitempty"`
	ResourceType string    `json:"resourceType,omitempty"`
	ResourceID   string    `json:"resourceId,omitempty"`
	Name         string    `json:"name,omitempty"`
	Status       int       `json:"status"`
	SCIMType     string    `json:"scimType,omitempty"`
	Detail       string    `json:"detail,omitempty"`
	LatencyMS    float64   `json:"latencyMs"`
	UserAgent    string    `json:"userAgent,omitempty"`
	TokenID      string    `json:"tokenId,omitempty"`
	Count        int       `json:"count"`
	ActorID      string    `json:"actorId,omitempty"`
	Action       string    `json:"action,omitempty"`
}

// apiGetActivity: ?errors=1&user=...&before=ID, newest first.
func (h *Handler) apiGetActivity(w http.ResponseWriter, r *http.Request, s Session) {
	if h.log == nil {
		writeJSONError(w, http.StatusNotImplemented, "unsupported", "this store keeps no activity log")
		return
	}
	es, err := h.log.ListActivity(r.Context(), s.AccountID, h.activityQuery(r))
	if errors.Is(err, store.ErrNotFound) {
		es, err = nil, nil
	}
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	out := make([]apiEntry, len(es))
	for i, e := range es {
		out[i] = apiEntry{e.ID, e.Time, string(e.Kind), e.Method, e.Path, e.ResourceType, e.ResourceID, e.Name, e.Status,
			e.SCIMType, e.Detail, float64(e.Latency.Microseconds()) / 1000, e.UserAgent, e.TokenID, e.Count, e.ActorID, e.Action}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out})
}

func atoiDefault(s string, d int) int {
	var n int
	for _, c := range s {
		if c < '0' || c > '9' || n > 1e8 {
			return d
		}
		n = n*10 + int(c-'0')
	}
	if s == "" {
		return d
	}
	return n
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
