package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHub_TrustedProxy: behind a proxy on this PC, every visitor comes from
// loopback; with -trusted-proxies the hub limits each visitor by the
// address the proxy forwards, not the proxy's, and exempts none of them.
func TestHub_TrustedProxy(t *testing.T) {
	hub := startHub(t, filepath.Join(t.TempDir(), "hallq.db"), "-trusted-proxies", "127.0.0.1", "-issue-rate", "2")
	issueAs := func(visitor string) int {
		req, _ := http.NewRequest("POST", hub.URL+"/api/v1/tickets", strings.NewReader(`{"service":"A"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", visitor)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for i := range 2 {
		if got := issueAs("192.0.2.7"); got != http.StatusCreated {
			t.Fatalf("visitor's ticket %d: %d", i+1, got)
		}
	}
	if got := issueAs("192.0.2.7"); got != http.StatusTooManyRequests {
		t.Errorf("a third ticket of one visitor behind the proxy: %d, want 429", got)
	}
	if got := issueAs("192.0.2.8"); got != http.StatusCreated {
		t.Errorf("another visitor: %d, want 201", got)
	}
}

// TestHub_TLS: with -tls-cert and -tls-key the hub serves HTTPS itself.
func TestHub_TLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	hub := startHub(t, filepath.Join(dir, "hallq.db"), "-tls-cert", cert, "-tls-key", key)
	pool := x509.NewCertPool()
	certPEM, _ := os.ReadFile(cert)
	pool.AppendCertsFromPEM(certPEM)
	tlsClient := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	res, err := tlsClient.Get("https://" + strings.TrimPrefix(hub.URL, "http://") + "/api/v1/hall")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /api/v1/hall over TLS: %d", res.StatusCode)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key into dir.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hallq test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(k)
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pemOf("CERTIFICATE", der), 0o600)
	os.WriteFile(key, pemOf("EC PRIVATE KEY", kb), 0o600)
	return cert, key
}

func pemOf(typ string, b []byte) []byte { return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}) }
