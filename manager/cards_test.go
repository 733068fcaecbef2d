package manager_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"hallq"
	"hallq/internal/hubtest"
)

// number is a card number that must never appear in a reply; holder is its
// holder's name.
const (
	number = "6222020012345678"
	holder = "Li Wei"
)

// wantNoNumber fails the test if body carries a full card number (or the
// first twelve characters of one) or a "number" field.
func wantNoNumber(t *testing.T, body []byte, numbers ...string) {
	t.Helper()
	for _, n := range numbers {
		if bytes.Contains(body, []byte(n[:len(n)-4])) {
			t.Fatalf("reply carries a card number: %s", body)
		}
	}
	if bytes.Contains(body, []byte(`"number"`)) {
		t.Fatalf("reply has a number field: %s", body)
	}
}

func TestHandler_Cards(t *testing.T) {
	h, admin := newHub(t)
	path := "/api/v1/cards/" + number
	t.Run("Create", func(t *testing.T) {
		res := h.Do(t, "POST", "/api/v1/cards", `{"number": "6222 0200-1234 5678", "tier": "gold", "holder": "Li Wei", "expires": "2027-12-31"}`, admin).
			Want(t, http.StatusCreated)
		wantNoNumber(t, res.Body, number)
		var got hallq.Card
		res.Decode(t, &got)
		if got.Last4 != "5678" || got.Tier != "gold" || got.Holder != holder || got.Expires != "2027-12-31" {
			t.Fatalf("created %+v", got)
		}
	})
	t.Run("Duplicate", func(t *testing.T) {
		res := h.Do(t, "POST", "/api/v1/cards", `{"number": ";6222020012345678=2512?", "tier": "silver", "holder": "Someone"}`, admin)
		res.WantError(t, http.StatusConflict, "conflict")
		wantNoNumber(t, res.Body, number)
	})
	t.Run("CreateInvalid", func(t *testing.T) {
		bodies := map[string]string{
			"Number":     `{"number": "62!22", "tier": "gold", "holder": "X"}`,
			"NoNumber":   `{"tier": "gold", "holder": "X"}`,
			"Tier":       `{"number": "1111", "tier": "nope", "holder": "X"}`,
			"StaffOnly":  `{"number": "1111", "tier": "priority", "holder": "X"}`,
			"Expires":    `{"number": "1111", "tier": "gold", "holder": "X", "expires": "31/12/2027"}`,
			"NumberType": `{"number": 1111, "tier": "gold", "holder": "X"}`,
		}
		for name, body := range badBodies {
			bodies[name] = body
		}
		for name, body := range bodies {
			t.Run(name, func(t *testing.T) {
				h.Do(t, "POST", "/api/v1/cards", body, admin).WantError(t, http.StatusBadRequest, "invalid")
			})
		}
	})
	t.Run("List", func(t *testing.T) {
		res := h.Do(t, "GET", "/api/v1/cards", nil, admin).Want(t, http.StatusOK)
		wantNoNumber(t, res.Body, number)
		var got []hallq.Card
		res.Decode(t, &got)
		if len(got) != 1 || got[0].Last4 != "5678" || got[0].Holder != holder {
			t.Fatalf("cards %+v", got)
		}
	})
	t.Run("Get", func(t *testing.T) {
		res := h.Do(t, "GET", path, nil, admin).Want(t, http.StatusOK)
		wantNoNumber(t, res.Body, number)
		var got hallq.Card
		res.Decode(t, &got)
		if got.Last4 != "5678" || got.Tier != "gold" {
			t.Fatalf("card %+v", got)
		}
	})
	t.Run("Update", func(t *testing.T) {
		res := h.Do(t, "PUT", path, `{"tier": "platinum"}`, admin).Want(t, http.StatusOK)
		wantNoNumber(t, res.Body, number)
		var got hallq.Card
		res.Decode(t, &got)
		if got.Tier != "platinum" || got.Holder != holder || got.Expires != "2027-12-31" {
			t.Fatalf("updated %+v", got)
		}
		got = hallq.Card{}
		h.Do(t, "PUT", path, `{"expires": null}`, admin).Want(t, http.StatusOK).Decode(t, &got)
		if got.Expires != "" || got.Tier != "platinum" {
			t.Fatalf("updated %+v", got)
		}
	})
	t.Run("UpdateInvalid", func(t *testing.T) {
		bodies := map[string]string{
			"Tier":    `{"tier": "nope"}`,
			"Expires": `{"expires": "2027-13-01"}`,
			"Number":  `{"number": "1111"}`,
		}
		for name, body := range badBodies {
			bodies[name] = body
		}
		for name, body := range bodies {
			t.Run(name, func(t *testing.T) {
				h.Do(t, "PUT", path, body, admin).WantError(t, http.StatusBadRequest, "invalid")
			})
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		for _, method := range []string{"GET", "PUT", "DELETE"} {
			res := h.Do(t, method, "/api/v1/cards/6222999988887777", `{"holder": "X"}`, admin)
			res.WantError(t, http.StatusNotFound, "not_found")
			wantNoNumber(t, res.Body, "6222999988887777")
		}
	})
	t.Run("Delete", func(t *testing.T) {
		h.Do(t, "DELETE", path, nil, admin).Want(t, http.StatusNoContent)
		h.Do(t, "GET", path, nil, admin).WantError(t, http.StatusNotFound, "not_found")
	})
}

func TestHandler_CardImport(t *testing.T) {
	h, admin := newHub(t)
	csv := hubtest.Header("Content-Type", "text/csv")
	importCSV := func(t *testing.T, body string) (*hubtest.Response, hallq.CardImport) {
		t.Helper()
		res := h.Do(t, "POST", "/api/v1/cards/import", body, admin, csv).Want(t, http.StatusOK)
		var got hallq.CardImport
		res.Decode(t, &got)
		return res, got
	}
	numbers := []string{"6222000011110001", "6222000011110002", "6222000011110003", "6222000011110004",
		"6222000011110005", "6222000011110006", "6222000011110007"}
	holders := []string{"Zhang San", "Li Si", "Wang Wu", "Zhao Liu", "Qian, Qi", "Sun Ba", "Zhou Jiu"}

	t.Run("HeaderBOMCRLF", func(t *testing.T) {
		body := "\uFEFFnumber,tier,holder,expires\r\n" +
			numbers[0] + ",gold,Zhang San,2027-01-31\r\n" + // line 2
			numbers[1] + ",silver,Li Si,\r\n" + // line 3: no expiry
			numbers[2] + ",nope,Wang Wu,\r\n" + // line 4: unknown tier
			numbers[3] + ",gold,Zhao Liu\r\n" + // line 5: short
			"\r\n" + // line 6: blank, skipped
			numbers[4] + ",platinum,\"Qian, Qi\",2028-06-30\r\n" + // line 7: quoted comma
			"62-22-!!,gold,Sun Ba,\r\n" + // line 8: bad number
			numbers[6] + ",gold,\"Zhou\"Jiu,\r\n" + // line 9: bad quotes
			numbers[5] + ",gold,Sun Ba,2027-02-30,extra\r\n" + // line 10: long
			numbers[5] + ", silver , Sun Ba ,31.12.2027\r\n" // line 11: bad date
		res, got := importCSV(t, body)
		if got.Imported != 3 {
			t.Errorf("imported %d, want 3", got.Imported)
		}
		var lines []int
		for _, e := range got.Errors {
			lines = append(lines, e.Line)
			if e.Message == "" {
				t.Errorf("line %d without a message", e.Line)
			}
		}
		if want := []int{4, 5, 8, 9, 10, 11}; !slices.Equal(lines, want) {
			t.Errorf("refused lines %v, want %v; %s", lines, want, res.Body)
		}
		wantNoNumber(t, res.Body, numbers...)
		for _, name := range holders {
			if bytes.Contains(res.Body, []byte(name)) {
				t.Errorf("reply names a holder: %s", res.Body)
			}
		}
		cards, err := h.Store.FindCards(t.Context(), "")
		if err != nil {
			t.Fatal(err)
		}
		var last4 []string
		for _, c := range cards {
			last4 = append(last4, c.Last4+" "+c.Tier+" "+c.Holder+" "+c.Expires)
		}
		want := []string{"0002 silver Li Si ", "0005 platinum Qian, Qi 2028-06-30", "0001 gold Zhang San 2027-01-31"}
		if !slices.Equal(last4, want) {
			t.Errorf("cards %q, want %q", last4, want)
		}
	})
	t.Run("ShiftedColumns", func(t *testing.T) {
		// holder,number,tier,expires: the number lands in the tier column.
		res, got := importCSV(t, "Zhang San,"+numbers[0]+",gold,\nLi Si,priority,"+numbers[1]+",\nWang Wu,gold,silver,"+numbers[2]+"\n")
		if got.Imported != 0 || len(got.Errors) != 3 {
			t.Fatalf("import %s", res.Body)
		}
		wantNoNumber(t, res.Body, numbers...)
	})
	t.Run("NoHeaderReplaces", func(t *testing.T) {
		_, got := importCSV(t, numbers[0]+",platinum,Zhang San,\n"+numbers[6]+",silver,Zhou Jiu,2027-03-01")
		if got.Imported != 2 || len(got.Errors) != 0 || got.Errors == nil {
			t.Fatalf("import %+v", got)
		}
		c, err := h.Store.FindCard(t.Context(), numbers[0])
		if err != nil || c.Tier != "platinum" || c.Expires != "" {
			t.Fatalf("replaced card %+v, %v", c, err)
		}
	})
	t.Run("HeaderOnlyOnFirstRow", func(t *testing.T) {
		_, got := importCSV(t, numbers[1]+",gold,Li Si,\nnumber,tier,holder,expires\n")
		if got.Imported != 1 || len(got.Errors) != 1 || got.Errors[0].Line != 2 {
			t.Fatalf("import %+v", got)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		res, got := importCSV(t, "")
		if got.Imported != 0 || !bytes.Contains(res.Body, []byte(`"errors":[]`)) {
			t.Fatalf("import %s", res.Body)
		}
	})
	t.Run("TooLarge", func(t *testing.T) {
		row := numbers[0] + ",gold,Zhang San,\n"
		body := strings.Repeat(row, (16<<20)/len(row)+1)
		h.Do(t, "POST", "/api/v1/cards/import", body, admin, csv).WantError(t, http.StatusRequestEntityTooLarge, "too_large")
	})
}

// A card import leaves a line in the log with what it did, and no card
// number or holder, also when its client gave up before the answer.
func TestHandler_CardImportLogged(t *testing.T) {
	h, admin := newHub(t)
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	body := "6222000011119991,gold,Zhang San,\n6222000011119992,nope,Li Si,\n"
	h.Do(t, "POST", "/api/v1/cards/import", body, admin, hubtest.Header("Content-Type", "text/csv")).Want(t, http.StatusOK)
	log := buf.String()
	if !strings.Contains(log, "cards imported") || !strings.Contains(log, "by=admin") || !strings.Contains(log, "imported=1") || !strings.Contains(log, "refused=1") {
		t.Errorf("log %q, want the import with its figures", log)
	}
	if strings.Contains(log, "6222") || strings.Contains(log, "9991") || strings.Contains(log, "Zhang") {
		t.Errorf("log %q shows a card number or holder", log)
	}
}
