package linking

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
	"strings"

	"github.com/scimkit/scimkit/store"
)

// Role is a host member's role in an account, as far as provisioning setup
// cares.
type Role string

// The roles. Only owners and administrators may set provisioning up.
const (
	RoleOwner  Role = "owner"
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Member is the host member acting on the account in a setup call. The
// host fills it from its own session; linking trusts it and only checks
// the role.
type Member struct {
	ID   string
	Role Role
}

// CanAdminister reports whether m may set provisioning up: an owner or an
// administrator with a non-empty ID.
func (m Member) CanAdminister() bool {
	return m.ID != "" && (m.Role == RoleOwner || m.Role == RoleAdmin)
}

// asAdmin marks ctx so that the store records actor as the author of the
// writes made with it (store.Event.Actor).
func asAdmin(ctx context.Context, actor Member) context.Context {
	return store.WithActor(ctx, store.Actor{Kind: store.ActorAdmin, ID: actor.ID})
}

func authorize(actor Member, action string) error {
	if actor.CanAdminister() {
		return nil
	}
	return refuse(ErrNotAuthorized, "only an owner or administrator of the account can %s", action)
}

// TokenPrefix starts every token NewToken mints, so that leaked tokens are
// recognisable (secret scanners, logs).
const TokenPrefix = "scimkit_"

// TokenLen is the length of a token NewToken mints: TokenPrefix and 48
// characters of unpadded base64url encoding 32 random bytes and their
// CRC-32.
const TokenLen = len(TokenPrefix) + 48

// MinTokenLen and MaxTokenLen bound a token the host chose itself (one
// without TokenPrefix, added with store.AddToken and HashToken): shorter
// ones are too easy to guess, longer ones are no token. CheckToken refuses
// other lengths.
const (
	MinTokenLen = 32
	MaxTokenLen = 512
)

// TokenFormat is what CheckToken makes of a presented secret, before any
// store lookup.
type TokenFormat int

// The token formats.
const (
	// TokenMalformed cannot be a token of any account: refuse it without
	// looking it up. That is anything with TokenPrefix that is neither
	// format NewToken ever minted (a bad checksum, a wrong length, a
	// character outside base64url), and anything else shorter than
	// MinTokenLen, longer than MaxTokenLen or with a character RFC 6750
	// does not allow in a bearer token.
	TokenMalformed TokenFormat = iota
	// TokenChecked is a token in NewToken's format whose checksum holds:
	// it may be a real token (or a well-made forgery: the checksum is no
	// secret, it only catches typos, truncation and random guesses
	// cheaply).
	TokenChecked
	// TokenLegacy is a token without a checksum that may still be stored:
	// NewToken's format before it had one (TokenPrefix and 43 base64url
	// characters, 256 random bits) or a host-chosen token (no
	// TokenPrefix, MinTokenLen to MaxTokenLen RFC 6750 characters). It
	// costs a store lookup to tell; scim.WithStrictTokens refuses it.
	TokenLegacy
)

func (f TokenFormat) String() string {
	switch f {
	case TokenChecked:
		return "checked"
	case TokenLegacy:
		return "legacy"
	}
	return "malformed"
}

// NewToken mints a bearer token: TokenPrefix followed by 32 bytes from
// crypto/rand and the 4 bytes of their CRC-32 (IEEE, big-endian), all in
// unpadded base64url (TokenLen characters in all), and its HashToken. The
// checksum lets CheckToken refuse a mistyped, truncated or random token
// without a store lookup, as the token formats of large hosted platforms
// do. Store only the hash; show the secret once.
func NewToken() (secret string, hash [32]byte, err error) {
	var b [36]byte
	if _, err := rand.Read(b[:32]); err != nil {
		return "", [32]byte{}, fmt.Errorf("linking: token randomness: %w", err)
	}
	binary.BigEndian.PutUint32(b[32:], crc32.ChecksumIEEE(b[:32]))
	secret = TokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return secret, HashToken(secret), nil
}

// CheckToken tells, without any I/O and in time linear in its length,
// whether secret can be a token at all (see TokenFormat). It never
// reports TokenChecked for a secret whose checksum is wrong.
func CheckToken(secret string) TokenFormat {
	if body, ok := strings.CutPrefix(secret, TokenPrefix); ok {
		switch len(body) {
		case TokenLen - len(TokenPrefix):
			var b [36]byte
			if n, err := base64.RawURLEncoding.Strict().Decode(b[:], []byte(body)); err != nil || n != len(b) {
				return TokenMalformed
			}
			if binary.BigEndian.Uint32(b[32:]) != crc32.ChecksumIEEE(b[:32]) {
				return TokenMalformed
			}
			return TokenChecked
		case 43: // 32 bytes, unpadded: NewToken before the checksum
			var b [32]byte
			if n, err := base64.RawURLEncoding.Strict().Decode(b[:], []byte(body)); err != nil || n != len(b) {
				return TokenMalformed
			}
			return TokenLegacy
		}
		return TokenMalformed
	}
	if len(secret) < MinTokenLen || len(secret) > MaxTokenLen {
		return TokenMalformed
	}
	// RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
	i := 0
	for ; i < len(secret); i++ {
		c := secret[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/') {
			break
		}
	}
	if i == 0 {
		return TokenMalformed
	}
	for ; i < len(secret); i++ {
		if secret[i] != '=' {
			return TokenMalformed
		}
	}
	return TokenLegacy
}

// HashToken is the SHA-256 digest of the whole secret (prefix included):
// what store.Token.Hash holds and what the SCIM auth middleware looks up
// with store.TokenByHash.
func HashToken(secret string) [32]byte { return sha256.Sum256([]byte(secret)) }

// EnableProvisioning turns the account's "sync with my identity provider"
// switch on and mints a bearer token for the IdP, returning its secret (the
// only time it is visible; only its hash is stored). The actor must be an
// owner or administrator: otherwise it returns ErrNotAuthorized and changes
// nothing. The account is created if the host has not created it yet.
// Calling it while provisioning is already on mints one more token (the old
// ones keep working). label names the token for the admin. ForIdP records
// the identity provider the admin chose in the same write (an unknown
// name is ErrInvalidIdP and changes nothing); SetIdP changes it later.
func (s *Service) EnableProvisioning(ctx context.Context, accountID string, actor Member, label string, opts ...EnableOption) (string, error) {
	if err := authorize(actor, "turn provisioning on"); err != nil {
		return "", err
	}
	var c enableConfig
	for _, o := range opts {
		o(&c)
	}
	idp, err := s.CheckIdP(c.idp)
	if err != nil {
		return "", err
	}
	ctx = asAdmin(ctx, actor)
	if _, err := s.updateAccount(ctx, accountID, true, func(a *store.Account) {
		a.ProvisioningEnabled = true
		if c.setIdP {
			a.IdP = idp
		}
	}); err != nil {
		return "", err
	}
	return s.mint(ctx, accountID, label)
}

// DisableProvisioning turns the switch off: from then on every SCIM request
// for the account is refused (ErrProvisioningOff) and nothing changes.
// Users, groups, links and tokens are kept, so EnableProvisioning (or a
// host's own switch back on) resumes where it stopped. Owner or
// administrator only. ErrNotFound (wrapped) if the account does not exist.
func (s *Service) DisableProvisioning(ctx context.Context, accountID string, actor Member) error {
	if err := authorize(actor, "turn provisioning off"); err != nil {
		return err
	}
	ctx = asAdmin(ctx, actor)
	_, err := s.updateAccount(ctx, accountID, false, func(a *store.Account) { a.ProvisioningEnabled = false })
	return err
}

// Deactivate removes the integration: the switch goes off and every token
// of the account is revoked, so the IdP can no longer authenticate. All
// users and groups stay exactly as they are (suspended users stay
// suspended, links are kept for a later reconnection). Owner or
// administrator only.
func (s *Service) Deactivate(ctx context.Context, accountID string, actor Member) error {
	if err := authorize(actor, "deactivate provisioning"); err != nil {
		return err
	}
	ctx = asAdmin(ctx, actor)
	if _, err := s.updateAccount(ctx, accountID, false, func(a *store.Account) { a.ProvisioningEnabled = false }); err != nil {
		return err
	}
	defer s.accessChanged(accountID) // also after a partial revocation
	toks, err := s.st.ListTokens(ctx, accountID)
	if err != nil {
		return fmt.Errorf("linking: list tokens: %w", err)
	}
	for _, t := range toks {
		if err := s.st.RevokeToken(ctx, accountID, t.ID); err != nil && !isNotFound(err) {
			return fmt.Errorf("linking: revoke token %s: %w", t.ID, err)
		}
	}
	return nil
}

// MintToken mints one more token for the account (rotation: mint, update
// the IdP, then revoke the old token with RevokeToken) and returns its
// secret once. It does not touch the switch. Owner or administrator
// only; ErrNotFound (wrapped) if the account does not exist.
func (s *Service) MintToken(ctx context.Context, accountID string, actor Member, label string) (string, error) {
	if err := authorize(actor, "create provisioning tokens"); err != nil {
		return "", err
	}
	ctx = asAdmin(ctx, actor)
	return s.mint(ctx, accountID, label)
}

// RevokeToken revokes one token of the account (store.RevokeToken): the
// IdP using it can no longer authenticate. Revoking through the Service
// rather than the store tells the SCIM handlers built on it
// (OnAccessChange), so the token stops working at once on this replica
// and within the token cache's time on the others (scim.WithTokenCache).
// Owner or administrator only; ErrNotFound (wrapped) if the account has
// no such token.
func (s *Service) RevokeToken(ctx context.Context, accountID string, actor Member, tokenID string) error {
	if err := authorize(actor, "revoke provisioning tokens"); err != nil {
		return err
	}
	if err := s.st.RevokeToken(asAdmin(ctx, actor), accountID, tokenID); err != nil {
		return fmt.Errorf("linking: revoke token %s: %w", tokenID, err)
	}
	s.accessChanged(accountID)
	return nil
}

func (s *Service) mint(ctx context.Context, accountID, label string) (string, error) {
	for range maxRetries {
		secret, hash, err := NewToken()
		if err != nil {
			return "", err
		}
		_, err = s.st.AddToken(ctx, accountID, store.Token{Hash: hash, Label: label})
		if errors.Is(err, store.ErrConflict) {
			continue // a hash collision is practically impossible; mint another
		}
		if err != nil {
			return "", fmt.Errorf("linking: add token: %w", err)
		}
		s.accessChanged(accountID)
		return secret, nil
	}
	return "", fmt.Errorf("linking: could not mint a unique token: %w", store.ErrConflict)
}

// SetAllowedDomains replaces the account's allowed email domains. Each is
// trimmed, lower-cased and stripped of a leading "@"; duplicates and empty
// entries are dropped and the order kept. A public mail domain is refused
// (ErrPublicDomain) and a value that is not a domain (containing "@" or
// spaces, or without a dot) is refused with ErrInvalidEmail; nothing is
// stored then. AnyDomain ("*") allows every domain but the public ones. The
// account is created if missing. Owner or administrator only. Run CheckDomains afterwards to see which existing members the new
// list leaves out.
func (s *Service) SetAllowedDomains(ctx context.Context, accountID string, actor Member, domains []string) error {
	if err := authorize(actor, "change the allowed domains"); err != nil {
		return err
	}
	ctx = asAdmin(ctx, actor)
	norm, err := s.NormalizeDomains(domains)
	if err != nil {
		return err
	}
	_, err = s.updateAccount(ctx, accountID, true, func(a *store.Account) { a.AllowedDomains = norm })
	return err
}

// NormalizeDomains applies SetAllowedDomains' rules to a list without
// storing it: each entry trimmed, lower-cased and stripped of a leading
// "@", empty entries and duplicates dropped, order kept. A public mail
// domain is an *Error of kind ErrPublicDomain, a value that is not a
// domain one of kind ErrInvalidEmail.
func (s *Service) NormalizeDomains(domains []string) ([]string, error) {
	norm := make([]string, 0, len(domains))
	for _, d := range domains {
		d = normDomain(d)
		if d == "" || slices.Contains(norm, d) {
			continue
		}
		if d == AnyDomain {
			norm = append(norm, d)
			continue
		}
		if !validDomain(d) {
			return nil, refuse(ErrInvalidEmail, "%q is not a valid email domain; enter a domain such as example.com", d)
		}
		if s.publicDomains[d] {
			return nil, s.publicError(d)
		}
		norm = append(norm, d)
	}
	return norm, nil
}

// validDomain reports whether d (normalised) can be an email domain:
// labels separated by dots, at least two, no "@" or spaces.
func validDomain(d string) bool {
	if strings.ContainsAny(d, "@ \t\r\n") {
		return false
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 || slices.Contains(labels, "") {
		return false
	}
	_, ok := asciiDomain(d)
	return ok
}

// updateAccount applies change to the account, creating it first when
// create is set (see store.Update).
func (s *Service) updateAccount(ctx context.Context, accountID string, create bool, change func(*store.Account)) (store.Account, error) {
	get := func(ctx context.Context) (store.Account, error) {
		a, err := s.st.GetAccount(ctx, accountID)
		if isNotFound(err) && create {
			a, err = s.st.CreateAccount(ctx, store.Account{ID: accountID})
			if errors.Is(err, store.ErrConflict) {
				a, err = s.st.GetAccount(ctx, accountID) // created concurrently
			}
		}
		return a, err
	}
	put := func(ctx context.Context, a store.Account) (store.Account, error) { return s.st.UpdateAccount(ctx, a) }
	out, err := store.Update(ctx, get, put, func(a store.Account) (store.Account, error) {
		a.AllowedDomains = slices.Clone(a.AllowedDomains)
		change(&a)
		return a, nil
	})
	if err != nil {
		return store.Account{}, fmt.Errorf("linking: account %s: %w", accountID, err)
	}
	s.accessChanged(accountID)
	return out, nil
}
