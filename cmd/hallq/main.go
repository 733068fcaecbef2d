// Command hallq is the hub of a service hall: it keeps the queue in one
// database file and serves every device of the hall (kiosks, phones,
// counter terminals, rating pads, displays, the manager's dashboard) as
// browser pages and a JSON API.
//
// Every flag can also be set by an environment variable:
//
//	-addr            HALLQ_ADDR            address to listen on (default :8080)
//	-db              HALLQ_DB              database file (default hallq.db)
//	-admin-password  HALLQ_ADMIN_PASSWORD  password of "admin" on first start
//	-public-url      HALLQ_PUBLIC_URL      the address phones reach the hub at
//	-issue-rate      HALLQ_ISSUE_RATE      tickets per minute per client (default 60, 0 = off)
//	-staff-nets      HALLQ_STAFF_NETS      networks staff and managers may work from
//	-time-zone       HALLQ_TIME_ZONE       the hall's time zone, on first start
//	-hostnames       HALLQ_HOSTNAMES       names the hub answers to besides its addresses
//
// `hallq -check -db FILE` checks a database file (a stopped hub's, or a
// backup) page by page and exits 0 when it checks out, 1 otherwise.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // halls run on small PCs that may lack a zoneinfo database

	"hallq"
	"hallq/store"
	"hallq/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if os.Getenv("GOGC") == "" {
		go keepGCHeadroom(ctx)
	}
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "hallq:", err)
		os.Exit(1)
	}
}

// config is what the flags and environment say.
type config struct {
	addr          string
	db            string
	adminPassword string
	publicURL     string
	issueRate     int
	staffNets     []*net.IPNet
	timeZone      string
	readTimeout   time.Duration // for a whole request, body included
	maxConns      int           // open connections per client; 0 = no cap
	proxies       []netip.Prefix
	tlsCert       string
	tlsKey        string
	check         bool     // check the database file and exit
	hostnames     []string // the names the hub answers to, besides addresses
}

// parseConfig reads the flags, each defaulting to its environment variable.
func parseConfig(args []string, getenv func(string) string) (config, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var c config
	var rate, nets, conns, proxies, hostnames string
	fs := flag.NewFlagSet("hallq", flag.ContinueOnError)
	fs.StringVar(&c.addr, "addr", env("HALLQ_ADDR", ":8080"), "address to listen on (HALLQ_ADDR)")
	fs.StringVar(&c.db, "db", env("HALLQ_DB", "hallq.db"), "database file (HALLQ_DB)")
	fs.StringVar(&c.adminPassword, "admin-password", env("HALLQ_ADMIN_PASSWORD", ""), "password of the manager account admin, used on first start only; a random one is printed if empty (HALLQ_ADMIN_PASSWORD)")
	fs.StringVar(&c.publicURL, "public-url", env("HALLQ_PUBLIC_URL", ""), "the address phones reach the hub at, for QR codes, e.g. http://192.168.1.10:8080 (HALLQ_PUBLIC_URL; default: this machine's LAN address)")
	fs.StringVar(&rate, "issue-rate", env("HALLQ_ISSUE_RATE", "60"), "tickets per minute one client may take; 0 = no limit; loopback and paired kiosks are exempt (HALLQ_ISSUE_RATE)")
	fs.StringVar(&nets, "staff-nets", env("HALLQ_STAFF_NETS", ""), "comma-separated networks (CIDR) staff and managers may work from; empty = any (HALLQ_STAFF_NETS)")
	fs.StringVar(&c.timeZone, "time-zone", env("HALLQ_TIME_ZONE", ""), "the hall's time zone on first start, e.g. Asia/Shanghai; default: this machine's (HALLQ_TIME_ZONE)")
	readTimeout := env("HALLQ_READ_TIMEOUT", "30s")
	fs.StringVar(&readTimeout, "read-timeout", readTimeout, "the longest a client may take to send a whole request, body included (HALLQ_READ_TIMEOUT)")
	fs.StringVar(&proxies, "trusted-proxies", env("HALLQ_TRUSTED_PROXIES", ""), "comma-separated addresses or networks (CIDR) of proxies in front of the hub whose X-Forwarded-For is believed, e.g. 127.0.0.1 for a TLS proxy on this PC (HALLQ_TRUSTED_PROXIES)")
	fs.StringVar(&c.tlsCert, "tls-cert", env("HALLQ_TLS_CERT", ""), "certificate file (PEM) to serve HTTPS with, no proxy needed; with -tls-key (HALLQ_TLS_CERT)")
	fs.StringVar(&hostnames, "hostnames", env("HALLQ_HOSTNAMES", ""), "comma-separated names the hub answers to besides its addresses, localhost, this machine's name and the -public-url's; requests to any other name are refused, against DNS rebinding (HALLQ_HOSTNAMES)")
	fs.BoolVar(&c.check, "check", false, "check the database file page by page, read-only, and exit: 0 when it checks out, 1 otherwise; for a stopped hub's file or a backup")
	fs.StringVar(&c.tlsKey, "tls-key", env("HALLQ_TLS_KEY", ""), "the certificate's private key file (PEM) (HALLQ_TLS_KEY)")
	fs.StringVar(&conns, "max-conns-per-client", env("HALLQ_MAX_CONNS_PER_CLIENT", "256"), "connections one client address (IPv6: one /64) may hold open; 0 = no cap; raise it when many phones share one carrier address (HALLQ_MAX_CONNS_PER_CLIENT)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q; every setting is a flag, see -help", fs.Arg(0))
	}
	var err error
	if c.issueRate, err = strconv.Atoi(rate); err != nil || c.issueRate < 0 {
		return c, fmt.Errorf("-issue-rate %q is not a number of tickets per minute", rate)
	}
	if c.readTimeout, err = time.ParseDuration(readTimeout); err != nil || c.readTimeout <= 0 {
		return c, fmt.Errorf("-read-timeout %q is not a duration such as 30s", readTimeout)
	}
	if c.maxConns, err = strconv.Atoi(conns); err != nil || c.maxConns < 0 {
		return c, fmt.Errorf("-max-conns-per-client %q is not a number of connections", conns)
	}
	for _, p := range strings.Split(proxies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			addr, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return c, fmt.Errorf("-trusted-proxies: %q is not an address or a network like 10.0.0.0/8", p)
			}
			prefix = netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen())
		}
		c.proxies = append(c.proxies, prefix.Masked())
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return c, fmt.Errorf("-tls-cert and -tls-key go together: give both, or neither")
	}
	for _, n := range strings.Split(nets, ",") {
		if n = strings.TrimSpace(n); n == "" {
			continue
		}
		_, ipnet, err := net.ParseCIDR(n)
		if err != nil {
			return c, fmt.Errorf("-staff-nets: %q is not a network like 192.168.1.0/24", n)
		}
		c.staffNets = append(c.staffNets, ipnet)
	}
	for _, h := range strings.Split(hostnames, ",") {
		if h = strings.TrimSpace(h); h != "" {
			c.hostnames = append(c.hostnames, h)
		}
	}
	if c.publicURL != "" && !strings.HasPrefix(c.publicURL, "http://") && !strings.HasPrefix(c.publicURL, "https://") {
		return c, fmt.Errorf("-public-url %q must start with http:// or https://", c.publicURL)
	}
	c.publicURL = strings.TrimRight(c.publicURL, "/")
	if c.timeZone == "" {
		c.timeZone = localTimeZone(getenv)
	}
	return c, nil
}

// run starts the hub and serves until ctx ends, then shuts down in order:
// no new requests, the open ones finished, the database closed last.
func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	c, err := parseConfig(args, getenv)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.check {
		return checkFile(c.db, out)
	}
	log := slog.New(slog.NewTextHandler(out, nil))
	slog.SetDefault(log)

	if c.tlsCert != "" {
		if _, err := tls.LoadX509KeyPair(c.tlsCert, c.tlsKey); err != nil {
			return fmt.Errorf("the TLS certificate: %w", err)
		}
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w", c.addr, err)
	}
	defer ln.Close()
	if c.publicURL == "" {
		c.publicURL = guessPublicURL(ln.Addr())
		if c.tlsCert != "" {
			c.publicURL = "https://" + strings.TrimPrefix(c.publicURL, "http://")
		}
	}
	ln = web.CapConnections(ln, c.maxConns)
	st, err := store.Open(store.Options{Path: c.db, TimeZone: c.timeZone, PublicURL: c.publicURL, Logger: log})
	if err != nil {
		return err
	}
	defer st.Close()
	go st.CheckInBackground() // every page read once, beside the hall
	generated, err := st.EnsureAdmin(ctx, c.adminPassword)
	if err != nil {
		return err
	}

	hub := newServer(st, c)
	srv := &http.Server{
		Handler:           hub,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       c.readTimeout, // a body sent a byte at a time cannot hold a connection
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	hall, err := st.FindHall(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "hallq: listening on %s\n", ln.Addr())
	fmt.Fprintf(out, "hallq: serving %q at %s\n", hall.Name.EN, c.publicURL)
	if hallq.LoopbackURL(c.publicURL) {
		fmt.Fprintf(out, "hallq: WARNING: the tickets' QR codes point at %s, which no phone can reach.\n", c.publicURL)
		fmt.Fprintf(out, "hallq: WARNING: start the hub with -public-url http://<this PC's address in the hall>:<port>.\n")
		log.Warn("hallq: phones cannot reach the address on the QR codes", "public_url", c.publicURL)
	}
	for _, p := range []struct{ name, path string }{
		{"kiosk", "/kiosk"}, {"display", "/display"}, {"counters", "/counter"}, {"rating pads", "/pad"}, {"managers", "/manager"},
	} {
		fmt.Fprintf(out, "  %-12s %s%s\n", p.name, c.publicURL, p.path)
	}
	if generated != "" {
		fmt.Fprintf(out, "hallq: first start: log in at %s/login as admin with password %s\n", c.publicURL, generated)
		fmt.Fprintf(out, "hallq: this password is shown only now, and the first login asks you to choose your own.\n")
	} else if c.adminPassword != "" {
		fmt.Fprintf(out, "hallq: log in at %s/login as admin\n", c.publicURL)
	}

	views, stopViews := context.WithCancel(context.Background())
	viewsDone := make(chan struct{})
	go func() {
		defer close(viewsDone)
		hub.run(views)
	}()
	served := make(chan error, 1)
	go func() {
		if c.tlsCert != "" {
			served <- srv.ServeTLS(ln, c.tlsCert, c.tlsKey)
			return
		}
		served <- srv.Serve(ln)
	}()
	select {
	case err = <-served:
		err = fmt.Errorf("serving: %w", err)
	case <-st.Failed():
		// The disk did not confirm a write: exit, so that the service
		// manager starts the hub again from what the disk holds.
		err = fmt.Errorf("stopping after a disk error: %w", st.Failure())
	case <-ctx.Done():
	}
	// Stop in order: no new requests, the open ones finished, the
	// websockets closed with a close frame, the database last.
	fmt.Fprintln(out, "hallq: shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		log.Warn("hallq: requests still open at shutdown", "err", err)
	}
	stopViews()
	<-viewsDone
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	return err
}

// localTimeZone returns this machine's IANA time zone name, or UTC.
func localTimeZone(getenv func(string) string) string {
	if tz := strings.TrimPrefix(getenv("TZ"), ":"); tz != "" && tz != "Local" {
		if _, err := time.LoadLocation(tz); err == nil {
			return tz
		}
	}
	if b, err := os.ReadFile("/etc/timezone"); err == nil {
		if tz := strings.TrimSpace(string(b)); tz != "" {
			if _, err := time.LoadLocation(tz); err == nil {
				return tz
			}
		}
	}
	if link, err := os.Readlink("/etc/localtime"); err == nil {
		if _, tz, ok := strings.Cut(link, "zoneinfo/"); ok {
			if _, err := time.LoadLocation(tz); err == nil {
				return tz
			}
		}
	}
	return "UTC"
}

// guessPublicURL returns the hub's address on the hall's network: the
// listening address, or this machine's first private LAN address when it
// listens on all of them. Phones cannot reach localhost.
func guessPublicURL(addr net.Addr) string {
	tcp, _ := addr.(*net.TCPAddr)
	port := strconv.Itoa(tcp.Port)
	host := tcp.IP
	if host.IsUnspecified() {
		host = lanAddress()
	}
	return "http://" + net.JoinHostPort(host.String(), port)
}

// lanAddress returns this machine's address on the hall's network: its
// first private IPv4 address, else its first other IPv4 address that is not
// loopback (a LAN outside the private ranges, such as 100.64.0.0/10), else
// 127.0.0.1, which no phone can reach.
func lanAddress() net.IP {
	addrs, _ := net.InterfaceAddrs()
	var other net.IP
	for _, a := range addrs {
		ipnet, ok := a.(*net.IPNet)
		if !ok || ipnet.IP.To4() == nil || ipnet.IP.IsLoopback() || ipnet.IP.IsLinkLocalUnicast() {
			continue
		}
		if ipnet.IP.IsPrivate() {
			return ipnet.IP
		}
		if other == nil {
			other = ipnet.IP
		}
	}
	if other != nil {
		return other
	}
	return net.IPv4(127, 0, 0, 1)
}

// checkFile is `hallq -check`: it reports what a full check of the database
// file found, and fails when it is damaged.
func checkFile(path string, out io.Writer) error {
	r, err := store.Check(path)
	if err != nil {
		return err
	}
	if !r.OK() {
		for _, p := range r.Problems {
			fmt.Fprintf(out, "hallq: %s: %s\n", path, p)
		}
		return fmt.Errorf("the database %s is damaged (%d problems): restore the last backup in its place", path, len(r.Problems))
	}
	fmt.Fprintf(out, "hallq: %s checks out: %d bytes, %d pages in use, %d tickets\n", path, r.Size, r.Pages, r.Tickets)
	return nil
}

// names returns the names the hub answers to besides its addresses and
// localhost: the -hostnames, the -public-url's host, this machine's name
// (and its .local name on the hall's network).
func (c config) names() []string {
	names := append([]string(nil), c.hostnames...)
	if u, err := url.Parse(c.publicURL); err == nil && u.Host != "" {
		names = append(names, u.Hostname())
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		names = append(names, h, h+".local")
	}
	return names
}
