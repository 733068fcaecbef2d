package web

import (
	"context"
	"net/http"
	"strings"

	"hallq"
)

// DeviceCookie is the name of the cookie that carries a paired browser
// device's token: a rating pad's page cannot set headers on its websocket.
const DeviceCookie = "hallq_device"

// deviceCookieAge is how long a device stays paired in its browser: until
// a manager deletes the device.
const deviceCookieAge = 10 * 365 * 24 * 60 * 60

type deviceKey struct{}

// DeviceFrom returns the paired device that Identify found for the request,
// or nil.
func DeviceFrom(ctx context.Context) *hallq.Device {
	d, _ := ctx.Value(deviceKey{}).(*hallq.Device)
	return d
}

// deviceToken returns the token of an Authorization: Device header, else
// that of the device cookie, else "".
func deviceToken(r *http.Request) string {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if strings.EqualFold(scheme, "Device") {
		return strings.TrimSpace(token)
	}
	if c, err := r.Cookie(DeviceCookie); err == nil {
		return c.Value
	}
	return ""
}

// RequireDevice lets through requests from a paired device of the given
// kind (Identify must run first): 401 otherwise.
func (a *Auth) RequireDevice(kind string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if d := DeviceFrom(r.Context()); d == nil || d.Kind != kind {
				Error(w, r, hallq.Errorf(hallq.EUNAUTHORIZED, "This screen is not paired as a %s; ask a manager for a pairing code.", kind))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

type pairRequest struct {
	Code string `json:"code"`
}

type pairReply struct {
	Token   string `json:"token"`
	Kind    string `json:"kind"`
	Counter string `json:"counter,omitempty"`
}

// HandlePair pairs a device: POST {code} returns {token, kind, counter?} and
// sets the device cookie. Failures count against the client's address like
// failed logins, so codes cannot be guessed.
func (a *Auth) HandlePair(w http.ResponseWriter, r *http.Request) {
	var req pairRequest
	if err := Decode(w, r, &req); err != nil {
		Error(w, r, err)
		return
	}
	key := "pair\x00" + ClientKeyOf(r)
	if wait := a.logins.attempt(key, loginFailures, a.now()); wait > 0 {
		Error(w, r, &RetryAfterError{Err: hallq.Errorf(hallq.ERATELIMITED,
			"Too many wrong pairing codes from this address; try again in %s.", humanWait(wait)), Wait: wait})
		return
	}
	d, token, err := a.Devices.PairDevice(r.Context(), req.Code)
	if err != nil {
		Error(w, r, err)
		return
	}
	a.logins.succeeded(key)
	http.SetCookie(w, a.deviceCookie(token))
	JSON(w, http.StatusOK, pairReply{Token: token, Kind: d.Kind, Counter: d.Counter})
}

// deviceCookie returns the cookie that keeps a browser paired.
func (a *Auth) deviceCookie(token string) *http.Cookie {
	return &http.Cookie{Name: DeviceCookie, Value: token, Path: "/", MaxAge: deviceCookieAge,
		HttpOnly: true, Secure: a.Secure, SameSite: http.SameSiteStrictMode}
}

// KeepDeviceCookie sets the device cookie again for a paired device whose
// request carries its token in the Authorization header but not in the
// cookie (a browser that lost its cookies): its websockets, which cannot
// send the header, are let in again.
func (a *Auth) KeepDeviceCookie(w http.ResponseWriter, r *http.Request) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Device") || DeviceFrom(r.Context()) == nil {
		return
	}
	if c, err := r.Cookie(DeviceCookie); err == nil && c.Value == token {
		return
	}
	http.SetCookie(w, a.deviceCookie(token))
}
