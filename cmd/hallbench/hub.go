package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// adminPassword is the password of admin on the hubs hallbench starts.
const adminPassword = "hallbench-admin-password"

// hub is a hub under test: one this process started, or one at -url.
type hub struct {
	URL   string
	token string // a manager's Bearer token
	pid   int    // 0 when the hub's process is not known

	cmd    *exec.Cmd     // nil for a hub at -url
	exited chan struct{} // closed when the started process ended
	mu     sync.Mutex
	output bytes.Buffer // the last of what the started hub printed
}

// httpClient is every request's client: keep-alive connections to loopback,
// enough of them for every load client at once.
var httpClient = &http.Client{
	Timeout: 60 * time.Second,
	Transport: &http.Transport{
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 1024,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	},
}

// freePort returns a loopback address no one listens on now.
func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startHub starts the binary on db and waits until GET /api/v1/hall answers
// 200; it returns the hub and the time from the process's start to that
// first 200.
func startHub(binary, db string) (*hub, time.Duration, error) {
	addr, err := freePort()
	if err != nil {
		return nil, 0, err
	}
	cmd := exec.Command(binary, "-addr", addr, "-db", db, "-admin-password", adminPassword,
		"-max-conns-per-client", "0", "-issue-rate", "0", "-time-zone", "UTC")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HALLQ_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, 0, err
	}
	cmd.Stderr = cmd.Stdout
	h := &hub{URL: "http://" + addr, cmd: cmd, exited: make(chan struct{})}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	h.pid = cmd.Process.Pid
	go func() {
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			h.mu.Lock()
			if h.output.Len() > 64<<10 {
				h.output.Reset()
			}
			h.output.WriteString(lines.Text() + "\n")
			h.mu.Unlock()
		}
		cmd.Wait()
		close(h.exited)
	}()
	// Ask every millisecond: the first 200 is when the hub serves.
	probe := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for deadline := began.Add(2 * time.Minute); ; {
		res, err := probe.Get(h.URL + "/api/v1/hall")
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case <-h.exited:
			return nil, 0, fmt.Errorf("the hub on %s exited before serving:\n%s", db, h.printed())
		case <-time.After(time.Millisecond):
		}
		if time.Now().After(deadline) {
			h.stop()
			return nil, 0, fmt.Errorf("the hub on %s did not serve within 2 minutes:\n%s", db, h.printed())
		}
	}
	serving := time.Since(began)
	if h.token, err = login(h.URL, adminPassword); err != nil {
		h.stop()
		return nil, 0, err
	}
	return h, serving, nil
}

func (h *hub) printed() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.output.String()
}

// stop ends a hub this process started: SIGTERM, and SIGKILL after 20 s.
func (h *hub) stop() {
	if h == nil || h.cmd == nil {
		return
	}
	h.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-h.exited:
	case <-time.After(20 * time.Second):
		h.cmd.Process.Kill()
		<-h.exited
	}
}

// remoteHub is the hub at -url, logged in as admin.
func remoteHub(base, password string) (*hub, error) {
	base = strings.TrimSuffix(base, "/")
	tok, err := login(base, password)
	if err != nil {
		return nil, err
	}
	h := &hub{URL: base, token: tok}
	h.pid = localPID(base)
	return h, nil
}

func login(base, password string) (string, error) {
	status, b, err := request("POST", base+"/api/v1/login", "", "",
		`{"username":"admin","password":`+strconv.Quote(password)+`}`)
	if err != nil {
		return "", err
	}
	var out struct {
		Token string
		User  struct {
			MustChangePassword bool `json:"must_change_password"`
		}
	}
	if status != http.StatusOK || json.Unmarshal(b, &out) != nil || out.Token == "" {
		return "", fmt.Errorf("logging in as admin at %s: %d %s", base, status, b)
	}
	if out.User.MustChangePassword {
		return "", fmt.Errorf("admin at %s must change its password first", base)
	}
	return out.Token, nil
}

// request makes one request and reads its whole reply.
func request(method, url, token, key, body string) (int, []byte, error) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return 0, nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := httpClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// issued is what hallbench reads of a ticket.
type issued struct {
	ID     uint64 `json:"id"`
	Number string `json:"number"`
	Token  string `json:"token"`
}

// issue takes a ticket as a kiosk does, with an Idempotency-Key.
func (h *hub) issue(key, service string) (issued, error) {
	status, b, err := request("POST", h.URL+"/api/v1/tickets", "", key, `{"service":"`+service+`"}`)
	var tk issued
	if err != nil {
		return tk, err
	}
	if status != http.StatusCreated && status != http.StatusOK {
		return tk, fmt.Errorf("issue: %d %s", status, b)
	}
	return tk, json.Unmarshal(b, &tk)
}

// issueFast takes a ticket and reads only the status, through rawClient:
// the load rows spend as little of the load generator's CPU as they can.
func (h *hub) issueFast(key, service string) error {
	body := `{"service":"` + service + `"}`
	var status int
	var b []byte
	var err error
	if c := rawClientFor(h.URL); c != nil {
		status, b, err = c.post("/api/v1/tickets", key, body)
	} else {
		status, b, err = request("POST", h.URL+"/api/v1/tickets", "", key, body)
	}
	if err != nil {
		return err
	}
	if status != http.StatusCreated && status != http.StatusOK {
		return fmt.Errorf("issue: %d %s", status, b)
	}
	return nil
}

// counter is one counter's terminal: what it shows as current.
type counter struct {
	h       *hub
	id      string
	current uint64
	keys    string // prefix of its Idempotency-Keys
	sent    int
}

// openCounter opens (or takes over) a counter and reads its current ticket.
func (h *hub) openCounter(id, keys string) (*counter, error) {
	c := &counter{h: h, id: id, keys: keys}
	status, b, err := request("POST", h.URL+"/api/v1/counters/"+id+"/open", h.token, keys+"-open", `{"take_over":true}`)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("open counter %s: %d %s", id, status, b)
	}
	var v struct{ Ticket *issued }
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	if v.Ticket != nil {
		c.current = v.Ticket.ID
	}
	return c, nil
}

// act sends one counter action with an Idempotency-Key and the expect of
// the ticket the terminal shows; it returns the ticket of the reply (nil
// for a 204).
func (c *counter) act(op string) (*issued, error) {
	c.sent++
	body := fmt.Sprintf(`{"expect":%d}`, c.current)
	status, b, err := request("POST", c.h.URL+"/api/v1/counters/"+c.id+"/"+op, c.h.token, fmt.Sprintf("%s-%d", c.keys, c.sent), body)
	if err != nil {
		return nil, err
	}
	switch {
	case status == http.StatusNoContent && op == "next":
		c.current = 0
		return nil, nil
	case status != http.StatusOK:
		return nil, fmt.Errorf("counter %s %s: %d %s", c.id, op, status, b)
	}
	var tk issued
	if err := json.Unmarshal(b, &tk); err != nil {
		return nil, err
	}
	switch op {
	case "next", "start":
		c.current = tk.ID
	default:
		c.current = 0
	}
	return &tk, nil
}

// backup downloads GET /api/v1/backup into w and returns its size.
func (h *hub) backup(ctx context.Context, w io.Writer) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", h.URL+"/api/v1/backup", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+h.token)
	res, err := httpClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		return 0, fmt.Errorf("backup: %d %s", res.StatusCode, b)
	}
	n, err := io.Copy(w, res.Body)
	if err == nil && res.ContentLength >= 0 && n != res.ContentLength {
		err = fmt.Errorf("backup: %d bytes of %d", n, res.ContentLength)
	}
	return n, err
}

// cpu returns a process's user and system CPU time from /proc/PID/stat
// (utime + stime, in clock ticks of 10 ms).
func cpu(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name is in parentheses and may hold spaces.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("unreadable /proc stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("unreadable /proc stat times")
	}
	const tick = 10 * time.Millisecond // USER_HZ is 100 on Linux
	return time.Duration(utime+stime) * tick, nil
}

// rss returns a process's resident memory in bytes (VmRSS).
func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// localPID finds the process listening on a loopback hub's port, by the
// socket's inode in /proc/net/tcp and the processes' open files; 0 when it
// cannot.
func localPID(base string) int {
	u, err := url.Parse(base)
	if err != nil {
		return 0
	}
	ip := net.ParseIP(u.Hostname())
	if u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return 0
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		return 0
	}
	inodes := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fs := strings.Fields(line)
			if len(fs) < 10 || fs[3] != "0A" { // LISTEN
				continue
			}
			if i := strings.LastIndexByte(fs[1], ':'); i >= 0 {
				if p, err := strconv.ParseInt(fs[1][i+1:], 16, 32); err == nil && int(p) == port {
					inodes["socket:["+fs[9]+"]"] = true
				}
			}
		}
	}
	if len(inodes) == 0 {
		return 0
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/fd")
	for _, dir := range procs {
		fds, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			if target, err := os.Readlink(filepath.Join(dir, fd.Name())); err == nil && inodes[target] {
				pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
				return pid
			}
		}
	}
	return 0
}
