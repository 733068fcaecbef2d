// Command hallbench measures a hub the way a hall uses it and prints one
// table of figures beside the targets of issue 13: durable ticket issue
// from one kiosk and from 64, the hub's CPU per ticket and for 1,000
// displays, how fast a call reaches 500 and 5,000 websocket clients,
// 10,000 clients held, a restart on a million tickets of history, a hot
// backup, the database's bytes per ticket, and a long queue against an
// empty one. Each row is the median of -rounds rounds.
//
// It builds the hub from ./cmd/hallq (or runs -hub) on a database in -dir,
// on the real disk, and measures that disk first: a raw 4 KiB write with
// fdatasync and serial bbolt commits, the limits a durable commit cannot
// beat. With -url it measures a running hub instead. The load generator
// runs in this process, on the same machine: its CPU is the hub's too.
//
//	go run ./cmd/hallbench -profile standard   # make bench: under a minute
//	go run ./cmd/hallbench -profile full       # make bench-full: adds the million tickets and 10,000 sockets
//
// It exits 0 whatever the figures (it is a report), and 1 when something
// could not be measured.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "hallbench:", err)
		os.Exit(1)
	}
}

// profile is how long and how large each row's load is.
type profile struct {
	name       string
	rounds     int
	disk       time.Duration // each of the two disk probes
	single     time.Duration // one kiosk issuing, per round
	concurrent time.Duration // 64 kiosks issuing, per round
	clients    int           // the 64
	queueFor   time.Duration // each phase of the long-queue row, per round
	waiting    int           // the 3,000 of the long-queue row
	lifecycles time.Duration // the bytes-per-ticket row, per round
	few, many  int           // the 500 and 5,000 websocket clients
	fewCalls   int           // calls per round to the few
	manyCalls  int           // calls per round to the many
	displays   int           // the 1,000 displays of the CPU row
	idle       time.Duration // the CPU row's idle window, per round
	idleCalls  int           // the CPU row's calls, per round
	held       int           // the 10,000 clients held; 0 = not measured
	heldCalls  int
	history    int // the million tickets of the restart and backup rows; 0 = not measured
	historyDay int // tickets per day of history
}

var profiles = map[string]profile{
	"standard": {name: "standard", rounds: 3, disk: time.Second, single: 1500 * time.Millisecond, concurrent: 2500 * time.Millisecond,
		clients: 64, queueFor: 700 * time.Millisecond, waiting: 3000, lifecycles: 1200 * time.Millisecond,
		few: 500, many: 5000, fewCalls: 20, manyCalls: 8, displays: 1000, idle: 2 * time.Second, idleCalls: 3},
	"smoke": {name: "smoke", rounds: 1, disk: 200 * time.Millisecond, single: 300 * time.Millisecond, concurrent: 300 * time.Millisecond,
		clients: 16, queueFor: 200 * time.Millisecond, waiting: 100, lifecycles: 300 * time.Millisecond,
		few: 20, many: 50, fewCalls: 3, manyCalls: 3, displays: 30, idle: 300 * time.Millisecond, idleCalls: 2,
		held: 80, heldCalls: 2, history: 1500, historyDay: 500},
}

func init() {
	full := profiles["standard"]
	full.name, full.held, full.heldCalls, full.history, full.historyDay = "full", 10_000, 5, 1_000_000, 2500
	profiles["full"] = full
}

// bench is one run: its flags, the machine, the hubs it starts.
type bench struct {
	p        profile
	dir      string // where databases live
	binary   string // the hub to start; "" with -url
	remote   *hub   // the hub at -url
	runID    string // in every Idempotency-Key, so that a second run against -url starts afresh
	m        machine
	disk     diskLimits
	log      io.Writer
	started  []*hub
	hubCount int
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("hallbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	profileName := fs.String("profile", "standard", "standard (every row but the million tickets and 10,000 sockets; under a minute), full, or smoke (a tiny run for the tests)")
	hubURL := fs.String("url", "", "measure the hub running at this address instead of starting one (needs -admin-password)")
	password := fs.String("admin-password", "", "the password of admin at -url")
	dir := fs.String("dir", ".bench", "the directory of the databases: on the disk a hall's database would live on, never a tmpfs")
	rounds := fs.Int("rounds", 0, "rounds per row, each row the median of them (default: 3; smoke: 1)")
	hubBinary := fs.String("hub", "", "a prebuilt hallq binary to start (default: build ./cmd/hallq)")
	only := fs.String("rows", "", "comma-separated groups of rows to run: issue, queue, lifecycle, screens (the websocket rows), history (default: all of the profile's)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	p, ok := profiles[*profileName]
	if !ok {
		return fmt.Errorf("-profile is standard, full or smoke, not %q", *profileName)
	}
	if *rounds > 0 {
		p.rounds = *rounds
	}
	if *hubURL != "" && *password == "" {
		return fmt.Errorf("-url needs -admin-password")
	}
	var groups []string
	if *only != "" {
		groups = strings.Split(*only, ",")
		for _, g := range groups {
			if !slices.Contains(rowGroups, g) {
				return fmt.Errorf("-rows takes %s, not %q", strings.Join(rowGroups, ", "), g)
			}
		}
	}
	began := time.Now()
	b := &bench{p: p, log: stderr, runID: strconv.FormatInt(began.UnixNano(), 36)}
	var err error
	if b.dir, err = filepath.Abs(*dir); err != nil {
		return err
	}
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return err
	}
	if b.m, err = describeMachine(b.dir); err != nil {
		return err
	}
	if b.m.tmpfs && p.name != "smoke" {
		return fmt.Errorf("%s is on a %s, not a disk: choose a -dir on the disk the database would live on", b.dir, b.m.fs)
	}
	if err := raiseFileLimit(&b.m); err != nil {
		return err
	}
	if need := uint64(p.held+p.many) + 512; p.held > 0 && b.m.nofile < need {
		return fmt.Errorf("the open-file limit is %d; %d websocket clients need about %d", b.m.nofile, p.held, need)
	}
	defer b.stopAll()

	work, err := os.MkdirTemp(b.dir, "run-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	b.dir = work

	fmt.Fprintf(stderr, "hallbench: measuring the disk in %s\n", b.dir)
	if b.disk, err = measureDisk(b.dir, p.disk); err != nil {
		return fmt.Errorf("measuring the disk: %w", err)
	}
	switch {
	case *hubURL != "":
		if b.remote, err = remoteHub(*hubURL, *password); err != nil {
			return err
		}
	case *hubBinary != "":
		b.binary = *hubBinary
	default:
		b.binary = filepath.Join(work, "hallq")
		fmt.Fprintln(stderr, "hallbench: building ./cmd/hallq")
		build := exec.Command("go", "build", "-o", b.binary, "hallq/cmd/hallq")
		build.Stdout, build.Stderr = stderr, stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building the hub (give a binary with -hub): %w", err)
		}
	}

	var rows []row
	for i, group := range []func() ([]row, error){b.issueRows, b.queueRows, b.lifecycleRows, b.screenRows, b.historyRows} {
		if groups != nil && !slices.Contains(groups, rowGroups[i]) {
			continue
		}
		rs, err := group()
		if err != nil {
			return err
		}
		rows = append(rows, rs...)
	}
	b.print(stdout, rows, time.Since(began))
	return nil
}

// rowGroups names the groups of rows, in the order they run, for -rows.
var rowGroups = []string{"issue", "queue", "lifecycle", "screens", "history"}

// hubFor returns a fresh hub on a new database in the run's directory, or
// the hub at -url.
func (b *bench) hubFor(name string) (*hub, error) {
	if b.remote != nil {
		return b.remote, nil
	}
	b.hubCount++
	h, _, err := startHub(b.binary, filepath.Join(b.dir, fmt.Sprintf("%s-%d.db", name, b.hubCount)))
	if err != nil {
		return nil, err
	}
	b.started = append(b.started, h)
	return h, nil
}

// done stops a hub hubFor started.
func (b *bench) done(h *hub) {
	if h == b.remote {
		return
	}
	h.stop()
	b.started = slices.DeleteFunc(b.started, func(x *hub) bool { return x == h })
}

func (b *bench) stopAll() {
	for _, h := range b.started {
		h.stop()
	}
}

func (b *bench) say(format string, args ...any) {
	fmt.Fprintf(b.log, "hallbench: "+format+"\n", args...)
}

// row is one line of the table.
type row struct {
	figure, measured, target string
	ok                       *bool // nil: not measured
	notes                    string
}

func verdict(ok bool) *bool { return &ok }

// rounds runs f once per round and returns the median of each of the
// figures it returns.
func (b *bench) rounds(f func(round int) ([]float64, error)) ([]float64, error) {
	var all [][]float64
	for r := range b.p.rounds {
		v, err := f(r)
		if err != nil {
			return nil, err
		}
		all = append(all, v)
	}
	med := make([]float64, len(all[0]))
	for i := range med {
		col := make([]float64, len(all))
		for r := range all {
			col[r] = all[r][i]
		}
		slices.Sort(col)
		if len(col)%2 == 1 {
			med[i] = col[len(col)/2]
		} else {
			med[i] = (col[len(col)/2-1] + col[len(col)/2]) / 2
		}
	}
	return med, nil
}

func (b *bench) roundsNote() string {
	if b.p.rounds == 1 {
		return "1 round"
	}
	return fmt.Sprintf("median of %d rounds", b.p.rounds)
}

func (b *bench) print(w io.Writer, rows []row, took time.Duration) {
	hubNote := "started here from " + b.binary + ", a fresh database for each group of rows, on 127.0.0.1"
	if b.remote != nil {
		hubNote = "the running hub at " + b.remote.URL
		if b.remote.pid == 0 {
			hubNote += " (its process is not on this machine's loopback: no CPU or memory rows)"
		} else {
			hubNote += fmt.Sprintf(" (process %d)", b.remote.pid)
		}
	}
	fmt.Fprintf(w, "hallbench, profile %s: each row the median of %d round(s); took %v\n", b.p.name, b.p.rounds, took.Round(100*time.Millisecond))
	fmt.Fprintf(w, "  database directory  %s: %s\n", filepath.Dir(b.dir), b.m.fs)
	fmt.Fprintf(w, "  CPU                 %s, %d cores; load generator included: it runs in this process, on the same cores as the hub\n", b.m.cpu, b.m.cores)
	fmt.Fprintf(w, "  open files          limit raised to %d (setrlimit, hard limit %d); the hub inherits it\n", b.m.nofile, b.m.nofileOf)
	fmt.Fprintf(w, "  hub                 %s\n", hubNote)
	fmt.Fprintf(w, "  disk, raw           4 KiB write + fdatasync: p50 %s, p99 %s (%d in %v, a file in the same directory)\n",
		ms(b.disk.fsyncP50), ms(b.disk.fsyncP99), b.disk.fsyncN, b.p.disk)
	fmt.Fprintf(w, "  disk, bbolt         serial commits, one small Put per Update: %s commits/s, p50 %s, p99 %s (%d, a bare bbolt file in the same directory)\n",
		thousands(b.disk.boltRate), ms(b.disk.boltP50), ms(b.disk.boltP99), b.disk.boltN)
	fmt.Fprintln(w)

	head := row{figure: "figure", measured: "measured", target: "target", notes: "notes"}
	cells := func(r row) []string {
		mark := "✓/✗"
		if r != head {
			switch {
			case r.ok == nil:
				mark = "–"
			case *r.ok:
				mark = "✓"
			default:
				mark = "✗"
			}
		}
		return []string{r.figure, r.measured, r.target, mark, r.notes}
	}
	width := make([]int, 5)
	for _, r := range append([]row{head}, rows...) {
		for i, c := range cells(r) {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	line := func(cs []string) {
		var sb strings.Builder
		for i, c := range cs {
			if i > 0 {
				sb.WriteString(" | ")
			}
			sb.WriteString(c)
			if i < len(cs)-1 {
				sb.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(sb.String(), " "))
	}
	line(cells(head))
	rule := make([]string, 5)
	for i := range rule {
		rule[i] = strings.Repeat("-", width[i])
	}
	fmt.Fprintln(w, strings.Join(rule, "-+-"))
	for _, r := range rows {
		line(cells(r))
	}
}

// percentile returns the p-th percentile of durations (it sorts them), as
// internal/loadtest takes it.
func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	return d[min(len(d)*p/100, len(d)-1)]
}

func ms(d time.Duration) string { return msf(float64(d) / 1e6) }

func msf(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	default:
		return fmt.Sprintf("%.2f ms", v)
	}
}

// thousands writes a figure with thousands separators.
func thousands(v float64) string {
	s := strconv.FormatInt(int64(v+0.5), 10)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
