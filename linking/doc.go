// Package linking owns the account rules that make scimkit a provisioning
// product rather than a bare SCIM server: the host already has users and
// groups when its admin turns provisioning on, and every account has rules
// about who may be provisioned and what the identity provider (IdP) may
// change. The scim handlers call this package; the host calls it for setup
// (EnableProvisioning, SetAllowedDomains, SetGroupManaged, CheckDomains),
// for its own accept flow (AcceptInvite) and to run the notifier
// (RunNotifier: invites and reminders sent from the change feed).
//
// A Service is built with New from a store.Store and the host's Notifier
// (which sends invites and reminders). New starts nothing; the Service holds
// no state besides its configuration, so any number of replicas may share
// one store.
//
// # User lifecycle
//
// A user is in one of three store.UserState values. Invited users read as
// active over SCIM (store.User.Active), so Okta does not loop trying to
// reactivate a pending invitee.
//
//	     IdP create, email matches no member
//	     (SendInvite, InvitedAt = now)
//	                   |
//	                   v
//	             +-----------+    Suspend     +-------------+
//	             |  invited  | -------------> |             |
//	             |           | <------------- |             |
//	             +-----------+   Reactivate   |             |
//	                   |       (not accepted) |  suspended  |
//	      AcceptInvite |                      |             |
//	  (AcceptedAt=now) |                      |             |
//	                   v          Suspend     |             |
//	             +-----------+ -------------> |             |
//	             |  active   | <------------- |             |
//	             +-----------+   Reactivate   +-------------+
//	                            (accepted, or
//	                             never invited)
//
//	invited, InvitedAt <= now-48h, not yet reminded: one SendReminder
//	(RemindedAt = now), then nothing more; invites never expire.
//	IdP create of a user it sends deactivated (active:false): created
//	suspended with the invite deferred (InvitedAt zero, nothing sent);
//	a reactivation makes it invited and sends the invite then.
//	IdP create, email matches one unlinked member: that member is linked
//	in place (Linked, ExternalID set, AcceptedAt = its creation time if
//	unset: an existing member has joined), its state unchanged.
//
// The transitions, and who makes them:
//
//   - invited -> active: the host calls AcceptInvite when the user accepts.
//     A suspended user who accepts stays suspended but AcceptedAt is
//     recorded.
//   - invited or active -> suspended: UpdateUser with Active false, when
//     the IdP deactivates or unassigns the user (PATCH active:false); a
//     create or link of a user the IdP sends deactivated is suspended in
//     the same write. Users are never deleted by
//     deactivation; group memberships are kept.
//   - suspended -> invited or active: UpdateUser with Active true, when
//     the IdP reactivates (active:true). Back to invited if the user never
//     joined (AcceptedAt zero, and invited or created by the IdP), else
//     active. An invitee whose invite was deferred gets it issued in the
//     same write (sent from the feed).
//   - reminder: an invited user whose invite is 48 hours old (at or before
//     now-48h; WithReminderAfter changes the delay) gets exactly one
//     reminder from ClaimReminders. Not at 47h59m, never a second one, none
//     after acceptance, none while suspended.
//   - invites never expire: an invitee can accept after 90 days or more;
//     nothing in this package ever moves a user out of invited on its own.
//
// # Email linking (ProvisionUser)
//
// When the IdP creates a user, the email (the primary email, else an
// email-shaped userName, trimmed and lower-cased) is looked up among the
// account's existing users, case-insensitively:
//
//   - exactly one match, not yet linked: that user is linked instead of a
//     new one being created. The answer is 201 with the existing user's id;
//     its externalId is recorded and its profile updated from the IdP
//     (OutcomeLinked, the "linked" event). Its state is kept: a suspended
//     host user stays suspended until the IdP activates it.
//   - one match already linked to a different IdP identity:
//     ErrLinkedElsewhere (409 uniqueness, with a detail that says so). The
//     same identity creating itself again is a plain store.ErrConflict.
//   - several matches: ErrAmbiguousEmail; provisioning never guesses. The
//     store keeps each email to one user of an account, so this happens
//     only when one user has the email and another has it as its userName
//     without any email, or with duplicates a store kept on upgrade.
//   - a concurrent create got the email first (the store refused ours
//     with a *store.ConflictError on "emails"): the lookup is made again,
//     and the create links to the winner or gets its 409.
//   - no match: re-invite. A new user is created in state invited and the
//     invite is issued in the same write and sent from the feed
//     (Notifier.SendInvite, through Deliver). An old host account with
//     another email stays untouched. A failing Notifier never fails the
//     create: the feed retries the invite until it goes out.
//
// The IdP's pre-create lookup (userName eq "...") is answered by the store
// over all the account's users, linked or not, so Okta's own import-and-link
// path finds existing host users too; when the IdP then writes such a user
// UpdateUser marks it linked in the same write.
//
// # Invites and reminders
//
// Invites and reminders travel through the change feed (package feed), so
// that none is lost to a crash or a failing mail server. The write that
// creates an invitee also issues its invite (InvitedAt set), and the store
// appends the store.UserInvited event in the same atomic step; the
// reminder pass (ClaimReminders) claims due reminders in the store, which
// appends store.UserReminded. Deliver, the feed handler, then calls the
// Notifier for each: in order, at least once, retried with backoff while
// the Notifier fails, resumed from the committed cursor after a restart.
// RunNotifier runs both (the feed consumer NotifierConsumer and the claim
// passes every interval); DeliverPending is one pass of the delivery for
// hosts that schedule jobs themselves. Any number of replicas may run
// RunNotifier: an account's feed is delivered by one replica at a time
// and claims are atomic, so each invitee is reminded once (a crash may
// repeat a send; see Deliver for the key that identifies it).
// ClaimInvites issues invites left pending by a Service without a
// Notifier. A Service built with a nil Notifier applies the rules but
// issues, claims and sends nothing.
//
// # Allowed domains
//
// Every account has a list of allowed email domains
// (store.Account.AllowedDomains, set with SetAllowedDomains). A create, or
// an update that changes the email (UpdateUser), whose domain is not on it
// is refused with ErrDomainNotAllowed; a public mail domain (PublicDomains:
// gmail.com, outlook.com, yahoo.com, icloud.com and the other common ones,
// shipped as data and replaceable with WithPublicDomains) is refused with
// ErrPublicDomain even if listed, and cannot be listed. Domains match
// exactly: allowing example.com does not allow eu.example.com. The entry
// AnyDomain ("*") allows every domain that is not a public one, for
// accounts that choose not to keep a list. Nothing is
// stored on refusal. CheckDomains reports the existing members that the
// rule would refuse, for the admin to fix before turning provisioning on.
//
// # Managed groups
//
// The admin marks existing host groups as managed (SetGroupManaged). Only
// managed groups are visible to the IdP (Visible; the SCIM layer filters
// listings with store.AttrManaged). A pushed group whose displayName
// matches a managed, unlinked group adopts it (201 with the existing id,
// OutcomeLinked) instead of duplicating it. A push or change that targets an
// unmanaged group (ErrGroupNotManaged) or a privileged one such as owners
// or administrators (ErrGroupPrivileged) is refused and the group is left
// unchanged (CheckGroupWritable).
//
// # The sync switch and setup
//
// While an account's provisioning switch is off every SCIM request for it
// is refused with ErrProvisioningOff (403), saying where to turn it on, and
// nothing changes (CheckEnabled). Turning it on again resumes.
// DisableProvisioning only flips the switch; Deactivate also revokes every
// token. Neither touches users or groups. Turning provisioning on, minting
// tokens, changing allowed domains and managed groups are owner or
// administrator actions: each takes the acting Member and refuses anyone
// else with ErrNotAuthorized, changing nothing. Tokens are minted with
// NewToken and only their SHA-256 hash (HashToken) is stored.
//
// # Host-side changes
//
// The host's own changes to its members go through the Service too, so
// that the change feed holds every change, not only the IdP's:
// SuspendMember, ReactivateMember, ChangeEmail (domain and uniqueness
// rules applied) and DeleteMember, and ImportUsers, an idempotent bulk
// upsert of the host's existing members keyed by the store id an earlier
// import returned, else the email, else the userName. Each appends its
// events with the host as actor (or the actor store.WithActor put in the
// context), and works whether provisioning is on or off.
//
// # Errors
//
// Every refusal is an *Error: Kind is one of the sentinels (match with
// errors.Is), Detail an admin-readable sentence that says what to do and
// is safe to send to the IdP. Store failures are wrapped with %w so the
// store sentinels (store.ErrConflict, store.ErrNotFound, ...) still match;
// their text is internal and must not be sent to the IdP.
package linking
