package linking

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/idna"

	"github.com/scimkit/scimkit/store"
)

//go:embed publicdomains.txt
var publicDomainsData string

// PublicDomains returns the shipped list of public mail domains (gmail.com,
// outlook.com, yahoo.com, icloud.com and the other common ones), lower-case,
// in a fresh slice the caller may change. The list is data
// (publicdomains.txt in this package); a host replaces it with
// WithPublicDomains, for example to extend it:
//
//	linking.WithPublicDomains(append(linking.PublicDomains(), "example-mail.net"))
func PublicDomains() []string {
	var out []string
	for line := range strings.Lines(publicDomainsData) {
		line, _, _ = strings.Cut(line, "#")
		if d := normDomain(line); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// AnyDomain, as an entry of an account's allowed domains, allows every
// email domain that is not a public mail domain: the admin's explicit
// choice not to restrict members to a list of company domains. Public mail
// domains stay refused.
const AnyDomain = "*"

// normDomain trims, strips one leading "@" and returns the domain's IDNA
// ASCII form (UTS #46 mapping: lower-cased, fullwidth and other
// compatibility forms mapped, invisible characters such as the soft hyphen
// and the zero-width space removed, Unicode labels in punycode). A domain
// IDNA refuses is only lower-cased, for validDomain to refuse.
func normDomain(d string) string {
	d = strings.TrimPrefix(strings.TrimSpace(d), "@")
	if a, ok := asciiDomain(d); ok {
		return a
	}
	return strings.ToLower(d)
}

// asciiDomain is the IDNA (UTS #46, lookup profile) ASCII form of d, and
// false if d is not a valid domain name under it. Comparing domains in this
// form is what makes "ｇｍａｉｌ.com", "gm\u00ADail.com" and
// "g\u200Bmail.com" the public domain gmail.com that a mail system would
// deliver to.
func asciiDomain(d string) (string, bool) {
	if d == "" {
		return "", false
	}
	a, err := idna.Lookup.ToASCII(d)
	if err != nil {
		return "", false
	}
	return strings.ToLower(a), true
}

func domainSet(domains []string) map[string]bool {
	m := make(map[string]bool, len(domains))
	for _, d := range domains {
		if d = normDomain(d); d != "" {
			m[d] = true
		}
	}
	return m
}

// NormalizeEmail returns the email as the rules compare it: trimmed and
// lower-cased.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// EmailDomain returns the domain of a normalised email (what follows the
// last "@"), and false if email is not shaped like local@domain.
func EmailDomain(email string) (string, bool) {
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || at == len(email)-1 {
		return "", false
	}
	d := email[at+1:]
	if strings.ContainsAny(d, " \t\r\n@") || strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
		return "", false
	}
	return d, true
}

// UserEmail returns the email the rules apply to for u: its primary email
// (u.PrimaryEmail()), or, if it has none, its userName when that looks like
// an email; normalised. "" if neither.
func UserEmail(u store.User) string {
	if e := NormalizeEmail(u.PrimaryEmail()); e != "" {
		return e
	}
	if n := NormalizeEmail(u.UserName); strings.Contains(n, "@") {
		return n
	}
	return ""
}

// checkDomain applies the domain rule to a normalised email against the
// account's allowed domains.
func (s *Service) checkDomain(a store.Account, email string) error {
	if email == "" {
		return refuse(ErrInvalidEmail,
			"the user has no email address; map the user's email (or an email-shaped username) in your identity provider, then retry")
	}
	given, ok := EmailDomain(email)
	var domain string
	if ok {
		domain, ok = asciiDomain(given)
	}
	if !ok {
		return refuse(ErrInvalidEmail,
			"%q is not a valid email address; correct the user's email in your identity provider, then retry", email)
	}
	// Name the domain as sent and, when IDNA reads it otherwise (look-alike
	// or invisible characters), as it is read.
	shown := strconv.Quote(given)
	if domain != given {
		shown += fmt.Sprintf(" (read as %s)", domain)
	}
	if s.publicDomains[domain] {
		return refuse(ErrPublicDomain,
			"email domain %s is a public mail domain; provisioning supports only your organisation's domains", shown)
	}
	allowed := slices.ContainsFunc(a.AllowedDomains, func(d string) bool { return d == AnyDomain || normDomain(d) == domain })
	if !allowed {
		return refuse(ErrDomainNotAllowed,
			"email domain %s is not on this account's allowed domains; add it under %s > Allowed domains, then retry",
			shown, s.settings)
	}
	return nil
}

func (s *Service) publicError(domain string) error {
	return refuse(ErrPublicDomain,
		"email domain %q is a public mail domain; provisioning supports only your organisation's domains", domain)
}

// CheckEmail applies the allowed-domains rule alone to email (trimmed and
// compared case-insensitively): nil if its domain is on the account's
// allowed list and is not a public mail domain, else an *Error of kind
// ErrPublicDomain, ErrDomainNotAllowed or ErrInvalidEmail: the check
// ProvisionUser and UpdateUser apply, for a host that wants to know before
// it invites someone itself. It reads the account but does not check the
// provisioning switch.
func (s *Service) CheckEmail(ctx context.Context, accountID, email string) error {
	a, err := s.st.GetAccount(ctx, accountID)
	if err != nil {
		return fmt.Errorf("linking: get account: %w", err)
	}
	return s.checkDomain(a, NormalizeEmail(email))
}

// DomainViolation is one existing member whose email the allowed-domains
// rule would refuse.
type DomainViolation struct {
	// UserID and UserName identify the member.
	UserID   string
	UserName string
	// State is the member's lifecycle state (suspended members are reported
	// too).
	State store.UserState
	// Email is the address checked (see UserEmail); Domain its domain, ""
	// if it has none.
	Email  string
	Domain string
	// Reason is the *Error the rule returns: its Kind is ErrPublicDomain,
	// ErrDomainNotAllowed or ErrInvalidEmail and its Error() an
	// admin-readable sentence.
	Reason error
}

// checkDomainsPage is how many users CheckDomains reads per store call.
const checkDomainsPage = 500

// CheckDomains is the pre-flight report a host runs before turning
// provisioning on (and whenever the allowed domains change): every existing
// member of the account, in creation order, whose email the
// allowed-domains rule would refuse. An empty result means provisioning
// will not trip over existing members. It pages through the account's users
// and changes nothing.
func (s *Service) CheckDomains(ctx context.Context, accountID string) ([]DomainViolation, error) {
	a, err := s.st.GetAccount(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("linking: get account: %w", err)
	}
	return s.violations(ctx, a)
}

// violations lists the account's users the domain rule refuses under a's
// allowed domains.
func (s *Service) violations(ctx context.Context, a store.Account) ([]DomainViolation, error) {
	accountID := a.ID
	out := []DomainViolation{}
	for start := 1; ; {
		page, err := s.st.ListUsers(ctx, accountID, store.Query{StartIndex: start, Count: checkDomainsPage})
		if err != nil {
			return nil, fmt.Errorf("linking: list users: %w", err)
		}
		for _, u := range page.Users {
			email := UserEmail(u)
			if err := s.checkDomain(a, email); err != nil {
				d, _ := EmailDomain(email)
				out = append(out, DomainViolation{
					UserID: u.ID, UserName: u.UserName, State: u.State,
					Email: email, Domain: d, Reason: err,
				})
			}
		}
		start += len(page.Users)
		if len(page.Users) == 0 || start > page.Total {
			return out, nil
		}
	}
}
