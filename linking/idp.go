package linking

import (
	"context"
	"slices"
	"strings"

	"github.com/scimkit/scimkit/store"
)

// DefaultIdPs returns the identity provider names a Service accepts unless
// WithIdPs says otherwise: the ones scimkit ships a mapping for
// (store.IdPOkta, store.IdPEntra, store.IdPGeneric).
func DefaultIdPs() []string { return []string{store.IdPOkta, store.IdPEntra, store.IdPGeneric} }

// maxIdPLen bounds an identity provider name.
const maxIdPLen = 64

// normIdP trims and lower-cases name and checks its shape: at most 64
// characters among a-z, 0-9, '-', '_' and '.', starting with a letter or
// digit. The empty name is valid (the handler's default mapping).
func normIdP(name string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		return "", nil
	}
	ok := len(n) <= maxIdPLen
	for i := 0; ok && i < len(n); i++ {
		c := n[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && (c == '-' || c == '_' || c == '.')
	}
	if !ok {
		return "", refuse(ErrInvalidIdP, "%q is not a valid identity provider name; use letters, digits, '-', '_' or '.' (at most %d)", name, maxIdPLen)
	}
	return n, nil
}

// IdPs returns the identity provider names an account may choose, in the
// order the host listed them (see WithIdPs): what an admin UI offers.
func (s *Service) IdPs() []string { return slices.Clone(s.idps) }

// CheckIdP returns name normalised (trimmed, lower-cased) if an account may
// choose it: one of IdPs(), or empty (the SCIM handler's default mapping).
// Otherwise it returns an *Error of kind ErrInvalidIdP naming the choices.
func (s *Service) CheckIdP(name string) (string, error) {
	n, err := normIdP(name)
	if err != nil || n == "" || slices.Contains(s.idps, n) {
		return n, err
	}
	return "", refuse(ErrInvalidIdP, "%q is not an identity provider this host supports; choose one of %s", name, strings.Join(s.idps, ", "))
}

// EnableOption configures EnableProvisioning.
type EnableOption func(*enableConfig)

type enableConfig struct {
	idp    string
	setIdP bool
}

// ForIdP records the identity provider the admin chose while turning
// provisioning on (store.Account.IdP): the SCIM handler then translates the
// account's requests with that IdP's mapping. Without it the account keeps
// the IdP it had (none, at first: the handler's default). The name is
// checked with CheckIdP.
func ForIdP(name string) EnableOption {
	return func(c *enableConfig) { c.idp, c.setIdP = name, true }
}

// SetIdP changes the identity provider the account's admin chose
// (store.Account.IdP), and so the mapping the SCIM handler applies to the
// account's requests from then on. Stored users keep what they have; the
// next write by the IdP is translated with the new mapping. name is checked
// with CheckIdP (ErrInvalidIdP, nothing stored); empty returns the account
// to the handler's default mapping. The account is created if missing.
// Owner or administrator only. The change is recorded as an
// account.updated event listing "idp".
func (s *Service) SetIdP(ctx context.Context, accountID string, actor Member, name string) error {
	if err := authorize(actor, "choose the identity provider"); err != nil {
		return err
	}
	n, err := s.CheckIdP(name)
	if err != nil {
		return err
	}
	ctx = asAdmin(ctx, actor)
	if _, err = s.updateAccount(ctx, accountID, true, func(a *store.Account) { a.IdP = n }); err != nil {
		return err
	}
	s.accessChanged(accountID) // the SCIM handler's cached account carries the IdP
	return nil
}

// AccountIdP returns the identity provider the account's admin chose
// (empty: none yet, the handler's default), or ErrNotFound (wrapped).
func (s *Service) AccountIdP(ctx context.Context, accountID string) (string, error) {
	a, err := s.st.GetAccount(ctx, accountID)
	if err != nil {
		return "", wrap(err, "linking: get account")
	}
	return a.IdP, nil
}
