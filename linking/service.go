package linking

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/scimkit/scimkit/store"
)

// Notifier is implemented by the host: it delivers the messages the
// lifecycle calls for (by email, in-app, however the host invites people).
// Both methods may be called concurrently. An error means the message was
// not sent; the change feed then offers it again later (see the package
// documentation, "Invites and reminders"). After a crash the same message
// may be asked for twice.
type Notifier interface {
	// SendInvite asks the host to invite u, a user provisioned by the IdP
	// who matched no existing member.
	SendInvite(ctx context.Context, accountID string, u store.User) error
	// SendReminder asks the host to remind u, an invitee who has not
	// accepted within the reminder delay. It is called at most once per
	// user for a successful send.
	SendReminder(ctx context.Context, accountID string, u store.User) error
}

// Outcome tells how ProvisionUser or ProvisionGroup satisfied a create:
// by creating a new record or by linking (adopting) an existing one. The
// SCIM layer answers 201 either way and emits a "created" or "linked"
// event.
type Outcome int

// The outcomes.
const (
	// OutcomeCreated: a new user or group was stored.
	OutcomeCreated Outcome = iota + 1
	// OutcomeLinked: an existing host user or group was linked to the IdP.
	OutcomeLinked
)

// String returns "created" or "linked".
func (o Outcome) String() string {
	switch o {
	case OutcomeCreated:
		return "created"
	case OutcomeLinked:
		return "linked"
	default:
		return fmt.Sprintf("Outcome(%d)", int(o))
	}
}

// DefaultReminderAfter is how long an invitee has to accept before the one
// reminder is sent, unless WithReminderAfter says otherwise.
const DefaultReminderAfter = 48 * time.Hour

// DefaultSettingsPath is where, in the host's admin UI, the provisioning
// settings live, unless WithSettingsPath says otherwise. Error details
// point the admin there.
const DefaultSettingsPath = "Settings > Provisioning"

// maxRetries bounds the decide-again loops of ProvisionUser and
// ProvisionGroup (a match deleted meanwhile) and of token minting.
const maxRetries = 5

// reminderBatch is how many reminders one ClaimReminders call hands out.
const reminderBatch = 100

// Service applies the account rules. It is safe for concurrent use, holds
// no state of its own beyond its configuration (and the locks that queue
// concurrent updates of one user, see UpdateUser), and may run in several
// replicas against one shared store.
type Service struct {
	locks         keyedLocks
	st            store.Store
	n             Notifier
	now           func() time.Time
	publicDomains map[string]bool
	reminderAfter time.Duration
	settings      string
	log           *slog.Logger
	// idps are the identity provider names an account may choose, in
	// the order the host listed them.
	idps []string

	watchMu  sync.Mutex
	watchers []func(accountID string)
}

// OnAccessChange registers fn to be called with the account's id right
// after this Service has stored a change to who may provision the account
// or how: the provisioning switch (EnableProvisioning,
// DisableProvisioning, Deactivate), its tokens (a token minted or revoked:
// MintToken, RevokeToken, Deactivate), its allowed domains
// (SetAllowedDomains) or its identity provider (SetIdP). scim.New registers its cache of verified tokens
// this way, so that a revocation through the Service takes effect at once
// on this replica; other replicas (and changes made on the store directly)
// are seen when their cache entries expire (see scim.WithTokenCache). fn
// runs on the caller's goroutine and must be fast; a nil fn is ignored.
func (s *Service) OnAccessChange(fn func(accountID string)) {
	if fn == nil {
		return
	}
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	s.watchers = append(s.watchers, fn)
}

// accessChanged calls the OnAccessChange watchers.
func (s *Service) accessChanged(accountID string) {
	s.watchMu.Lock()
	ws := slices.Clone(s.watchers)
	s.watchMu.Unlock()
	for _, fn := range ws {
		fn(accountID)
	}
}

// Option configures a Service.
type Option func(*Service)

// WithClock sets the clock; the default is time.Now. Tests and examples
// pass a fake clock.
func WithClock(now func() time.Time) Option {
	return func(s *Service) { s.now = now }
}

// WithPublicDomains replaces the shipped list of public mail domains
// (PublicDomains) with domains, normalised (trimmed, lower-cased, a leading
// "@" removed). An empty list turns the public-domain rule off.
func WithPublicDomains(domains []string) Option {
	return func(s *Service) { s.publicDomains = domainSet(domains) }
}

// WithReminderAfter sets how long after the invite the one reminder is
// due; the default is DefaultReminderAfter (48 hours). Values <= 0 keep the
// default.
func WithReminderAfter(d time.Duration) Option {
	return func(s *Service) {
		if d > 0 {
			s.reminderAfter = d
		}
	}
}

// WithLogger sets the logger for what the Service swallows (a failed invite
// that will be retried, a reminder that failed); the default discards.
func WithLogger(l *slog.Logger) Option {
	return func(s *Service) {
		if l != nil {
			s.log = l
		}
	}
}

// WithSettingsPath sets where the host's admin UI keeps the provisioning
// settings, as it should read in error details ("Settings > Provisioning"
// by default, giving "... add it under Settings > Provisioning > Allowed
// domains, then retry").
func WithSettingsPath(path string) Option {
	return func(s *Service) {
		if path != "" {
			s.settings = path
		}
	}
}

// WithIdPs sets the identity provider names an account may choose (with
// EnableProvisioning's ForIdP or SetIdP), in the order an admin UI should
// offer them; the default is DefaultIdPs. Names are normalised as CheckIdP
// does; invalid ones and duplicates are dropped. A host that registers its
// own mapping tables with the SCIM handler (scim.WithMappers) lists their
// names here too.
func WithIdPs(names ...string) Option {
	return func(s *Service) {
		var out []string
		for _, n := range names {
			if n, err := normIdP(n); err == nil && n != "" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		if len(out) > 0 {
			s.idps = out
		}
	}
}

// New returns a Service over st that notifies through n. st is required
// (New panics on nil: a programming error). n may be nil for a Service that
// only applies the rules: it stores invitees with their invite pending
// (InvitedAt zero) and issues nothing, and its ClaimInvites and
// ClaimReminders do nothing, so a Service that has a Notifier (the host's
// RunNotifier) issues the invite through ClaimInvites and, 48 hours after
// that, the reminder. New starts nothing and does no I/O: the host runs
// RunNotifier (see "Invites and reminders" in the package documentation).
func New(st store.Store, n Notifier, opts ...Option) *Service {
	if st == nil {
		panic("linking: New needs a store")
	}
	s := &Service{
		st:            st,
		n:             n,
		now:           time.Now,
		publicDomains: domainSet(PublicDomains()),
		reminderAfter: DefaultReminderAfter,
		settings:      DefaultSettingsPath,
		log:           slog.New(slog.DiscardHandler),
		idps:          DefaultIdPs(),
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// CheckEnabled returns nil if provisioning is on for the account, else an
// *Error of kind ErrProvisioningOff whose detail says where to turn it on.
// A missing account counts as off. Other store failures are returned
// wrapped. The SCIM layer calls it (or Enabled) on every request.
func (s *Service) CheckEnabled(ctx context.Context, accountID string) error {
	_, err := s.enabledAccount(ctx, accountID)
	return err
}

// Enabled is the pure form of CheckEnabled, for a caller that already holds
// the account.
func (s *Service) Enabled(a store.Account) error {
	if !a.ProvisioningEnabled {
		return s.offError()
	}
	return nil
}

func (s *Service) offError() error {
	return refuse(ErrProvisioningOff,
		"provisioning is turned off for this account; an owner or administrator can turn it on under %s (sync with your identity provider), then retry",
		s.settings)
}

func (s *Service) enabledAccount(ctx context.Context, accountID string) (store.Account, error) {
	a, err := s.st.GetAccount(ctx, accountID)
	if err != nil {
		if isNotFound(err) {
			return store.Account{}, s.offError()
		}
		return store.Account{}, fmt.Errorf("linking: get account: %w", err)
	}
	if err := s.Enabled(a); err != nil {
		return store.Account{}, err
	}
	return a, nil
}

// Store returns the store the Service was built on (the SCIM handler reads
// through it).
func (s *Service) Store() store.Store { return s.st }

// Notifies reports whether the Service has a Notifier, that is whether it
// sends invites itself.
func (s *Service) Notifies() bool { return s.n != nil }
