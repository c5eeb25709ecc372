package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/scimkit/scimkit/activity"
	"github.com/scimkit/scimkit/console"
	"github.com/scimkit/scimkit/feed"
	"github.com/scimkit/scimkit/linking"
	"github.com/scimkit/scimkit/mapping"
	"github.com/scimkit/scimkit/scim"
	"github.com/scimkit/scimkit/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

type options struct {
	addr, token, tokenFile, seed, store, idp, account, domains, baseURL string
	rate                                                                float64
	webhook, webhookSecret                                              string
	newWebhookSecret                                                    bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address `host:port`")
	fs.StringVar(&o.token, "token", "", "bearer `token`; visible to other users in the process list: prefer $SCIM_TOKEN or -token-file (default: a new random one)")
	fs.StringVar(&o.tokenFile, "token-file", "", "read the bearer token from `file` (one line)")
	fs.StringVar(&o.seed, "seed", "", "JSON `file` of pre-existing host users and groups")
	fs.StringVar(&o.store, "store", "memory", "`store`: memory, sqlite:PATH or postgres://...")
	fs.Float64Var(&o.rate, "rate", scim.DefaultRate, "requests per second per account (0 = unlimited)")
	fs.StringVar(&o.idp, "idp", "okta", "attribute mapping preset: okta, entra or generic (every RFC 7643 User attribute, kept as sent; email optional)")
	fs.StringVar(&o.account, "account", "default", "host account `id` the token belongs to")
	fs.StringVar(&o.domains, "allowed-domains", "", "comma-separated email `domains` members may have (added to the seed's)")
	fs.StringVar(&o.baseURL, "base-url", "", "public SCIM base `URL` for meta.location (default http://ADDR/scim/v2)")
	fs.StringVar(&o.webhook, "webhook", "", "deliver the change feed as signed webhooks to `URL` (default: log each event)")
	fs.StringVar(&o.webhookSecret, "webhook-secret", "", "webhook signing `secret` whsec_... (default: $SCIM_WEBHOOK_SECRET)")
	fs.BoolVar(&o.newWebhookSecret, "new-webhook-secret", false, "print a new webhook secret and exit")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return o, nil
}

// run starts the server and blocks until ctx is done, then shuts down
// gracefully. The first lines on stdout are the base URL and the token
// (the token itself only when the server minted it: one it was given is
// never printed); the log, one line per request among others, goes to
// logw and never contains the token.
func run(ctx context.Context, args []string, stdout, logw io.Writer) error {
	o, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	token, tokenFrom, err := givenToken(o)
	if err != nil {
		return err
	}
	if o.newWebhookSecret {
		fmt.Fprintln(stdout, feed.NewSecret())
		return nil
	}
	if o.webhookSecret == "" {
		o.webhookSecret = os.Getenv("SCIM_WEBHOOK_SECRET")
	}
	// Debug shows the handler's line per request (method, path, status,
	// account, duration; never the token or the body).
	logger := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if tokenFrom == "-token" {
		logger.Warn("the bearer token was given on the command line, where other users of this machine can read it (ps, shell history); prefer $SCIM_TOKEN or -token-file")
	}

	consumer, onEvent, err := feedHandler(o, logger)
	if err != nil {
		return err
	}
	st, closeStore, err := openStore(ctx, o.store)
	if err != nil {
		return err
	}
	defer closeStore()

	table, ok := mapping.Preset(o.idp)
	if !ok {
		return fmt.Errorf("-idp %q: want okta, entra or generic", o.idp)
	}
	mapper, err := mapping.New(table)
	if err != nil {
		return err
	}
	links := linking.New(st, logNotifier{logger}, linking.WithLogger(logger))

	token, err = setupAccount(ctx, st, links, o.account, token)
	if err != nil {
		return err
	}
	if err := recordIdP(ctx, links, o.account, o.idp); err != nil {
		return err
	}
	if o.seed != "" {
		if err := seedFile(ctx, st, o.account, o.seed); err != nil {
			return err
		}
	}
	if o.domains != "" {
		if err := allowDomains(ctx, st, links, o.account, strings.Split(o.domains, ",")); err != nil {
			return err
		}
	}
	acct, err := st.GetAccount(ctx, o.account)
	if err != nil {
		return err
	}
	if len(acct.AllowedDomains) == 0 {
		// A demo host: until told otherwise, members may have any email
		// domain but the public ones.
		if err := allowDomains(ctx, st, links, o.account, []string{linking.AnyDomain}); err != nil {
			return err
		}
		if acct, err = st.GetAccount(ctx, o.account); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	base := o.baseURL
	if base == "" {
		base = "http://" + ln.Addr().String() + "/scim/v2"
	}

	perSecond := o.rate
	if perSecond <= 0 {
		perSecond = math.Inf(1) // no limit
	}
	// The activity log: every SCIM request's outcome, written in batches
	// (memstore and sqlstore keep it), shown on the console's Activity
	// page.
	rec, err := activity.New(st, activity.WithLogger(logger))
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = rec.Close(closeCtx)
	}()
	h, err := scim.New(links,
		scim.WithActivity(rec),
		scim.WithBaseURL(base),
		scim.WithMapper(mapper),
		scim.WithLogger(logger),
		scim.WithRateLimit(perSecond, scim.DefaultBurst),
	)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", http.StripPrefix("/scim/v2", h))
	// The admin console, behind a development login (a real host mounts
	// it behind its own).
	login := newDevLogin(o.account)
	admin, err := console.New(console.Config{
		Links:       links,
		Resolve:     login.resolve,
		SCIMBaseURL: func(*http.Request) string { return base },
		ProductName: "the example server",
		Logger:      logger,
	})
	if err != nil {
		return err
	}
	mux.Handle("/admin/", login.wrap(http.StripPrefix("/admin", admin)))

	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second}
	fmt.Fprintf(stdout, "SCIM base URL: %s\n", base)
	if tokenFrom == "" {
		// Minted now: shown this once, on stdout, never in the log.
		fmt.Fprintf(stdout, "Bearer token:  %s\n", token)
	} else {
		fmt.Fprintf(stdout, "Bearer token:  the one in %s\n", tokenFrom)
	}
	if slices.Equal(acct.AllowedDomains, []string{linking.AnyDomain}) {
		fmt.Fprintln(stdout, "Allowed email domains: any but public mail domains (restrict with -allowed-domains yourcompany.com)")
	} else {
		fmt.Fprintf(stdout, "Allowed email domains: %s\n", strings.Join(acct.AllowedDomains, ", "))
	}
	fmt.Fprintf(stdout, "Admin console: http://%s/admin/?login=%s (a one-time link: logs you in as the account's owner)\n", ln.Addr(), login.code)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	runFeed(ctx, st, links, consumer, onEvent, logger)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// givenToken returns the token the operator gave and where it came from
// (-token-file's file, $SCIM_TOKEN or -token, in that order of
// preference; at most one may be set), or "" when none was given. A given
// token must be one scim accepts at all (linking.CheckToken): at least
// linking.MinTokenLen characters of the RFC 6750 token alphabet, or one
// minted by scimkit.
func givenToken(o options) (token, from string, err error) {
	env := os.Getenv("SCIM_TOKEN")
	n := 0
	for _, v := range []string{o.token, o.tokenFile, env} {
		if v != "" {
			n++
		}
	}
	if n > 1 {
		return "", "", errors.New("give the bearer token one way only: -token-file, $SCIM_TOKEN or -token")
	}
	switch {
	case o.tokenFile != "":
		b, err := os.ReadFile(o.tokenFile)
		if err != nil {
			return "", "", fmt.Errorf("-token-file: %w", err)
		}
		token, from = strings.TrimSpace(string(b)), o.tokenFile
	case env != "":
		token, from = strings.TrimSpace(env), "$SCIM_TOKEN"
	case o.token != "":
		token, from = o.token, "-token"
	default:
		return "", "", nil
	}
	if linking.CheckToken(token) == linking.TokenMalformed {
		return "", "", fmt.Errorf("the bearer token from %s is too weak or malformed: use at least %d characters of letters, digits and -._~+/ (for example the output of `openssl rand -base64 32`), or give none and the server mints one", from, linking.MinTokenLen)
	}
	return token, from, nil
}

// recordIdP stores -idp as the account's identity provider when the
// account has none yet (a choice made later in the console is kept), so
// that the handler reads the account's requests with that mapping and the
// console shows that IdP's steps.
func recordIdP(ctx context.Context, links *linking.Service, account, idp string) error {
	cur, err := links.AccountIdP(ctx, account)
	if err != nil || cur != "" {
		return err
	}
	admin := linking.Member{ID: "example-admin", Role: linking.RoleOwner}
	if err := links.SetIdP(ctx, account, admin, idp); err != nil {
		return fmt.Errorf("-idp: %w", err)
	}
	return nil
}

// setupAccount makes sure the account exists with provisioning on and that
// token authenticates as it; with no token it mints one.
func setupAccount(ctx context.Context, st store.Store, links *linking.Service, account, token string) (string, error) {
	admin := linking.Member{ID: "example-admin", Role: linking.RoleOwner}
	if token == "" {
		return links.EnableProvisioning(ctx, account, admin, "example server")
	}
	a, err := st.GetAccount(ctx, account)
	if errors.Is(err, store.ErrNotFound) {
		a, err = st.CreateAccount(ctx, store.Account{ID: account, ProvisioningEnabled: true})
		if errors.Is(err, store.ErrConflict) {
			// A replica starting at the same moment created it first.
			a, err = st.GetAccount(ctx, account)
		}
	}
	// Turn sync on; a replica doing the same moves the version on, so read
	// again and retry.
	for try := 0; err == nil && !a.ProvisioningEnabled; try++ {
		a.ProvisioningEnabled = true
		if _, err = st.UpdateAccount(ctx, a); errors.Is(err, store.ErrVersionMismatch) && try < 10 {
			a, err = st.GetAccount(ctx, account)
		}
	}
	if err != nil {
		return "", err
	}
	if _, err := st.AddToken(ctx, account, store.Token{Hash: linking.HashToken(token), Label: "example server"}); err != nil && !errors.Is(err, store.ErrConflict) {
		return "", err
	}
	return token, nil
}

// allowDomains adds domains to the account's allowed list, with the same
// checks an admin's change gets (public mail domains are refused).
func allowDomains(ctx context.Context, st store.Store, links *linking.Service, account string, domains []string) error {
	a, err := st.GetAccount(ctx, account)
	if err != nil {
		return err
	}
	// Named domains replace the demo default of any domain.
	all := slices.DeleteFunc(slices.Clone(a.AllowedDomains), func(d string) bool { return d == linking.AnyDomain })
	for _, d := range domains {
		if d = strings.TrimSpace(d); d != "" {
			all = append(all, d)
		}
	}
	admin := linking.Member{ID: "example-admin", Role: linking.RoleOwner}
	if err := links.SetAllowedDomains(ctx, account, admin, all); err != nil {
		return fmt.Errorf("-allowed-domains: %w", err)
	}
	return nil
}

// logNotifier "sends" invites and reminders by logging them.
type logNotifier struct{ log *slog.Logger }

func (n logNotifier) SendInvite(ctx context.Context, account string, u store.User) error {
	n.log.InfoContext(ctx, "invite sent", slog.String("account", account), slog.String("user", u.ID), slog.String("email", u.PrimaryEmail()))
	return nil
}

func (n logNotifier) SendReminder(ctx context.Context, account string, u store.User) error {
	n.log.InfoContext(ctx, "invite reminder sent", slog.String("account", account), slog.String("user", u.ID), slog.String("email", u.PrimaryEmail()))
	return nil
}
