package web

import (
	"context"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"hallq"
)

// SessionCookie is the name of the cookie that carries a staff session token.
const SessionCookie = "hallq_session"

// Auth identifies staff by session cookie or Bearer token, guards staff and
// manager routes, and serves login and logout. Set its fields before first
// use and do not copy it afterwards.
type Auth struct {
	Users     hallq.UserService
	Sessions  hallq.SessionService
	Devices   hallq.DeviceService // paired pads and kiosks; nil: none
	StaffNets []*net.IPNet        // networks staff may work from; empty means any
	Now       func() time.Time    // the clock; nil means time.Now
	Secure    bool                // set the Secure flag on the session cookie

	logins loginLimiter
}

// userKey is the context key of the logged-in *hallq.User.
type userKey struct{}

// UserFrom returns the user that Identify found for the request, or nil.
func UserFrom(ctx context.Context) *hallq.User {
	u, _ := ctx.Value(userKey{}).(*hallq.User)
	return u
}

// ActorFrom returns the logged-in user as an Actor, or the empty Actor of a
// customer when nobody is logged in.
func ActorFrom(ctx context.Context) hallq.Actor {
	u := UserFrom(ctx)
	if u == nil {
		return hallq.Actor{}
	}
	return hallq.Actor{Name: u.Username, Role: u.Role}
}

// Identify puts the user of the request's session and the paired device it
// comes from, if any, in its context. A missing, unknown or expired token
// leaves the request anonymous; only a failure of the store is an error.
func (a *Auth) Identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if token := sessionToken(r); token != "" {
			u, err := a.Sessions.FindSession(ctx, token)
			switch {
			case hallq.ErrorCode(err) == hallq.EINTERNAL:
				Error(w, r, err)
				return
			case err == nil && u != nil && !u.Disabled:
				ctx = context.WithValue(ctx, userKey{}, u)
			}
		}
		if token := deviceToken(r); token != "" && a.Devices != nil {
			d, err := a.Devices.FindDeviceByToken(ctx, token)
			switch {
			case hallq.ErrorCode(err) == hallq.EINTERNAL:
				Error(w, r, err)
				return
			case err == nil:
				ctx = context.WithValue(ctx, deviceKey{}, d)
			}
		}
		if ctx != r.Context() {
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}

// sessionToken returns the token of an Authorization: Bearer header, else
// that of the session cookie, else "". Other Authorization schemes, such as
// Device, are not sessions.
func sessionToken(r *http.Request) string {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(token)
	}
	if c, err := r.Cookie(SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// RequireStaff lets through requests of a logged-in staff member or manager
// (Identify must run first): 401 without a login, 403 from outside StaffNets.
func (a *Auth) RequireStaff(next http.Handler) http.Handler {
	return a.require(next, hallq.RoleStaff, hallq.RoleManager)
}

// RequireMonitor lets through the scrapes of /metrics: a manager's login,
// or no login from the hub's own machine and, when they are set, from
// StaffNets. Anything else is 401, or 403 for staff.
func (a *Auth) RequireMonitor(next http.Handler) http.Handler {
	manager := a.RequireManager(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if UserFrom(r.Context()) == nil && (IsLoopback(r) || len(a.StaffNets) > 0 && a.checkNet(r) == nil) {
			next.ServeHTTP(w, r)
			return
		}
		manager.ServeHTTP(w, r)
	})
}

// RequireManager lets through requests of a logged-in manager (Identify must
// run first): 401 without a login, 403 for staff or from outside StaffNets.
func (a *Auth) RequireManager(next http.Handler) http.Handler {
	return a.require(next, hallq.RoleManager)
}

// require lets through requests from StaffNets by a user with one of roles.
func (a *Auth) require(next http.Handler, roles ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := a.checkNet(r); err != nil {
			Error(w, r, err)
			return
		}
		u := UserFrom(r.Context())
		if u == nil {
			Error(w, r, hallq.Errorf(hallq.EUNAUTHORIZED, "Please log in first."))
			return
		}
		if u.MustChangePassword {
			Error(w, r, errChangePassword)
			return
		}
		if !slices.Contains(roles, u.Role) {
			Error(w, r, hallq.Errorf(hallq.EFORBIDDEN, "Only a manager may do this; ask a manager to log in."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkNet refuses a request from outside StaffNets.
func (a *Auth) checkNet(r *http.Request) error {
	if len(a.StaffNets) == 0 {
		return nil
	}
	ip := net.ParseIP(ClientIP(r))
	for _, n := range a.StaffNets {
		if ip != nil && n.Contains(ip) {
			return nil
		}
	}
	return hallq.Errorf(hallq.EFORBIDDEN, "Staff functions cannot be used from this network; use a terminal in the hall.")
}

// loginRequest is the body of a login.
type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// loginReply is the reply to a successful login.
type loginReply struct {
	Token string    `json:"token"`
	User  loginUser `json:"user"`
}

type loginUser struct {
	Username           string `json:"username"`
	Role               string `json:"role"`
	MustChangePassword bool   `json:"must_change_password"`
}

func loginUserOf(u *hallq.User) loginUser {
	return loginUser{Username: u.Username, Role: u.Role, MustChangePassword: u.MustChangePassword}
}

// errChangePassword answers every call of a session whose password must be
// changed first.
var errChangePassword = hallq.Errorf(hallq.EPASSWORDCHANGE, "Choose a new password before you go on: the one you have was generated or set by a manager.")

// sessionReply is the reply of GET /api/v1/session.
type sessionReply struct {
	User loginUser `json:"user"`
}

// HandleSession answers GET /api/v1/session: who is logged in, 401 when
// nobody is. It answers while a password change is due, so that a page can
// tell its user to change it.
func (a *Auth) HandleSession(w http.ResponseWriter, r *http.Request) {
	u := a.sessionUser(w, r)
	if u == nil {
		return
	}
	JSON(w, http.StatusOK, sessionReply{User: loginUserOf(u)})
}

// sessionUser returns the logged-in user of a request from StaffNets,
// whether or not a password change is due, or answers the request with the
// error and returns nil.
func (a *Auth) sessionUser(w http.ResponseWriter, r *http.Request) *hallq.User {
	if err := a.checkNet(r); err != nil {
		Error(w, r, err)
		return nil
	}
	u := UserFrom(r.Context())
	if u == nil {
		Error(w, r, hallq.Errorf(hallq.EUNAUTHORIZED, "Please log in first."))
	}
	return u
}

// HandlePassword answers POST /api/v1/password {current, new}: the user
// changes their own password. The session it comes with goes on; the
// user's other sessions end. Failed attempts count as failed logins.
func (a *Auth) HandlePassword(w http.ResponseWriter, r *http.Request) {
	u := a.sessionUser(w, r)
	if u == nil {
		return
	}
	var req hallq.PasswordChange
	if err := Decode(w, r, &req); err != nil {
		Error(w, r, err)
		return
	}
	// A new password that will not do is no guess at the current one.
	if err := hallq.ValidatePassword(req.New); err != nil {
		Error(w, r, hallq.WithField(err, "new"))
		return
	}
	key := loginKey(u.Username, ClientKeyOf(r))
	if wait := a.logins.attempt(key, loginFailures, a.now()); wait > 0 {
		Error(w, r, &RetryAfterError{
			Err:  hallq.Errorf(hallq.ERATELIMITED, "Too many wrong passwords; try again in %s.", humanWait(wait)),
			Wait: wait,
		})
		return
	}
	if err := a.Users.ChangePassword(r.Context(), u.Username, req, sessionToken(r)); err != nil {
		Error(w, r, err)
		return
	}
	a.logins.succeeded(key)
	w.WriteHeader(http.StatusNoContent)
}

// HandleLogin logs a user in: POST {username, password} returns
// {token, user:{username, role}} and sets the session cookie. A username that
// failed too often from one address is refused for a while, whatever the
// password; so are requests from outside StaffNets.
func (a *Auth) HandleLogin(w http.ResponseWriter, r *http.Request) {
	u, err := a.login(w, r)
	if err != nil {
		Error(w, r, err)
		return
	}
	token, err := a.Sessions.CreateSession(r.Context(), u)
	if err != nil {
		Error(w, r, err)
		return
	}
	http.SetCookie(w, a.cookie(token, 0))
	JSON(w, http.StatusOK, loginReply{Token: token, User: loginUserOf(u)})
}

// login checks a login request's network, rate and password.
func (a *Auth) login(w http.ResponseWriter, r *http.Request) (*hallq.User, error) {
	if err := a.checkNet(r); err != nil {
		return nil, err
	}
	var req loginRequest
	if err := Decode(w, r, &req); err != nil {
		return nil, err
	}
	if req.Username == "" || req.Password == "" {
		return nil, hallq.Errorf(hallq.EINVALID, "Give a username and a password.")
	}
	key, address := loginKey(req.Username, ClientKeyOf(r)), "address\x00"+ClientKeyOf(r)
	wait := a.logins.attempt(address, addressFailures, a.now())
	if wait == 0 {
		wait = a.logins.attempt(key, loginFailures, a.now())
	}
	if wait > 0 {
		return nil, &RetryAfterError{
			Err: hallq.Errorf(hallq.ERATELIMITED,
				"Too many failed logins from this address; try again in %s.", humanWait(wait)),
			Wait: wait,
		}
	}
	u, err := a.Users.Authenticate(r.Context(), req.Username, req.Password)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, hallq.Errorf(hallq.EUNAUTHORIZED, "This account is disabled; ask a manager.")
	}
	a.logins.succeeded(key)
	a.logins.succeeded(address)
	return u, nil
}

// loginKey is the login limiter's key for a username and address. Usernames
// are short, so a longer one is cut rather than kept whole in memory.
func loginKey(username, ip string) string {
	if len(username) > 64 {
		username = username[:64]
	}
	return strings.ToLower(username) + "\x00" + ip
}

// HandleLogout ends the request's session, if any, and clears the session
// cookie: 204 in every case but a failure of the session store.
func (a *Auth) HandleLogout(w http.ResponseWriter, r *http.Request) {
	if token := sessionToken(r); token != "" {
		err := a.Sessions.DeleteSession(r.Context(), token)
		if hallq.ErrorCode(err) == hallq.EINTERNAL {
			Error(w, r, err)
			return
		}
	}
	http.SetCookie(w, a.cookie("", -1))
	w.WriteHeader(http.StatusNoContent)
}

// cookie returns the session cookie holding token; maxAge -1 deletes it.
func (a *Auth) cookie(token string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     SessionCookie,
		Value:    token,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   a.Secure,
		SameSite: http.SameSiteStrictMode,
	}
}

// now returns the time of a.Now, or of time.Now.
func (a *Auth) now() time.Time {
	if a.Now == nil {
		return time.Now()
	}
	return a.Now()
}

// Recheck returns a check that the credentials r came with still hold, for
// a connection that outlives its request (Join.Recheck): false once the
// session ended or its user lost the role they had, or the device was
// unpaired. A failure of the store counts as holding, so a passing fault
// does not close every socket. It returns nil for an anonymous request.
func (a *Auth) Recheck(r *http.Request) func(ctx context.Context) bool {
	if u := UserFrom(r.Context()); u != nil {
		token, role := sessionToken(r), u.Role
		return func(ctx context.Context) bool {
			now, err := a.Sessions.FindSession(ctx, token)
			if hallq.ErrorCode(err) == hallq.EINTERNAL {
				return true
			}
			return err == nil && now.Role == role && !now.Disabled
		}
	}
	if d := DeviceFrom(r.Context()); d != nil && a.Devices != nil {
		token := deviceToken(r)
		return func(ctx context.Context) bool {
			_, err := a.Devices.FindDeviceByToken(ctx, token)
			return err == nil || hallq.ErrorCode(err) == hallq.EINTERNAL
		}
	}
	return nil
}
