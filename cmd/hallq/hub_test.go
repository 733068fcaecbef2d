package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the hallq binary the process tests start, built once.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hallq-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "hallq")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building hallq: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// process is a hub started from the binary, as an outside tool starts it.
type process struct {
	cmd    *exec.Cmd
	URL    string
	output *bytes.Buffer // what it printed after the listening line; read it after exited
	exited chan error
}

const testAdminPassword = "crash-test-password"

// startHub starts the binary on a free loopback port with a known admin
// password and waits until it says where it listens.
func startHub(tb testing.TB, db string, extra ...string) *process {
	tb.Helper()
	args := append([]string{"-addr", "127.0.0.1:0", "-db", db, "-admin-password", testAdminPassword}, extra...)
	return startHubArgs(tb, args...)
}

// execCommand prepares the binary with the given flags and no HALLQ_
// variables from the test's environment.
func execCommand(args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HALLQ_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	return cmd
}

func startHubArgs(tb testing.TB, args ...string) *process {
	tb.Helper()
	cmd := execCommand(args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	p := &process{cmd: cmd, output: &bytes.Buffer{}, exited: make(chan error, 1)}
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "hallq: listening on "); ok {
			p.URL = "http://" + addr
			break
		}
	}
	if p.URL == "" {
		cmd.Process.Kill()
		tb.Fatalf("the hub did not start: %v", cmd.Wait())
	}
	go func() {
		for lines.Scan() {
			p.output.WriteString(lines.Text() + "\n")
		}
		p.exited <- cmd.Wait()
	}()
	tb.Cleanup(p.kill)
	return p
}

// kill ends the hub at once, as a power cut would (SIGKILL).
func (p *process) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
}

type issued struct {
	ID     uint64
	Number string
	Token  string
}

var client = &http.Client{Timeout: 10 * time.Second}

// issueWithKey asks the hub for a ticket with an idempotency key.
func issueWithKey(base, key string) (issued, int, error) {
	req, _ := http.NewRequest("POST", base+"/api/v1/tickets", strings.NewReader(`{"service":"`+"ABC"[len(key)%3:len(key)%3+1]+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	res, err := client.Do(req)
	if err != nil {
		return issued{}, 0, err
	}
	defer res.Body.Close()
	var t issued
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return issued{}, 0, err
	}
	if res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusOK {
		return issued{}, res.StatusCode, fmt.Errorf("status %d: %s", res.StatusCode, body)
	}
	return t, res.StatusCode, json.Unmarshal(body, &t)
}

// getJSON fetches a JSON resource, with a Bearer token if one is given.
func getJSON(tb testing.TB, url, token string, v any) int {
	tb.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		tb.Fatalf("GET %s: %v", url, err)
	}
	return res.StatusCode
}

func login(tb testing.TB, base string) string {
	tb.Helper()
	res, err := client.Post(base+"/api/v1/login", "application/json",
		strings.NewReader(`{"username":"admin","password":"`+testAdminPassword+`"}`))
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
		tb.Fatalf("login: %d %v", res.StatusCode, err)
	}
	return out.Token
}
