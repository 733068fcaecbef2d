package manager

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"hallq"
	"hallq/web"
)

// Card numbers and holder names never go into an error message or a log line
// here: row errors speak in general terms, since in a file whose columns are
// shifted any cell can hold a number or a name.

// handleCardList returns every card, without numbers.
func (h *Handler) handleCardList(w http.ResponseWriter, r *http.Request) {
	cards, err := h.Cards.FindCards(r.Context(), r.URL.Query().Get("q"))
	reply(w, r, http.StatusOK, cards, err)
}

// handleCardGet returns the card with the number in the path.
func (h *Handler) handleCardGet(w http.ResponseWriter, r *http.Request) {
	c, err := h.Cards.FindCard(r.Context(), chi.URLParam(r, "number"))
	reply(w, r, http.StatusOK, c, err)
}

// handleCardCreate registers a card; the reply carries its last four
// characters, not its number.
func (h *Handler) handleCardCreate(w http.ResponseWriter, r *http.Request) {
	var c hallq.Card
	if err := web.Decode(w, r, &c); err != nil {
		web.Error(w, r, err)
		return
	}
	card, err := h.Cards.CreateCard(r.Context(), web.ActorFrom(r.Context()), c)
	reply(w, r, http.StatusCreated, card, err)
}

// handleCardUpdate changes the fields of a card present in the body.
func (h *Handler) handleCardUpdate(w http.ResponseWriter, r *http.Request) {
	current, err := h.Cards.FindCard(r.Context(), chi.URLParam(r, "number"))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	var u hallq.CardUpdate
	if err := web.DecodeUpdate(w, r, &u, map[string]any{"id": current.ID, "last4": current.Last4}); err != nil {
		web.Error(w, r, err)
		return
	}
	c, err := h.Cards.UpdateCard(r.Context(), web.ActorFrom(r.Context()), chi.URLParam(r, "number"), u)
	reply(w, r, http.StatusOK, c, err)
}

// handleCardDelete removes a card from the registry.
func (h *Handler) handleCardDelete(w http.ResponseWriter, r *http.Request) {
	noContent(w, r, h.Cards.DeleteCard(r.Context(), web.ActorFrom(r.Context()), chi.URLParam(r, "number")))
}

// handleCardImport creates or replaces the cards of a CSV body with the
// columns number,tier,holder,expires and reports the rows it refused by
// line.
func (h *Handler) handleCardImport(w http.ResponseWriter, r *http.Request) {
	body, err := web.ReadBody(w, r, web.MaxImportBody)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	rows, err := parseCardCSV(body)
	if err != nil {
		web.Error(w, r, err)
		return
	}
	allOrNone := r.URL.Query().Get("all_or_none") == "true"
	if allOrNone && len(rows.errors) > 0 {
		rows.cards, rows.lines = nil, nil // a row that does not parse imports none
	}
	by := web.ActorFrom(r.Context())
	res, err := h.Cards.ImportCards(r.Context(), by, rows.cards, rows.lines, allOrNone)
	if err != nil {
		slog.Warn("manager: a card import was not carried out", "by", by.Name, "rows", len(rows.cards), "err", err)
		web.Error(w, r, err)
		return
	}
	out := hallq.CardImport{Imported: res.Imported, Expired: res.Expired, Errors: append(rows.errors, res.Errors...)}
	// The log says what was imported even when the client left before the
	// answer: the import was carried out whole, in one transaction.
	slog.Info("manager: cards imported", "by", by.Name, "imported", out.Imported, "refused", len(out.Errors),
		"expired", len(out.Expired), "all_or_none", allOrNone, "client_gone", r.Context().Err() != nil)
	slices.SortStableFunc(out.Errors, func(a, b hallq.ImportLine) int { return cmp.Compare(a.Line, b.Line) })
	web.JSON(w, http.StatusOK, out)
}

// cardColumns are the columns of a card import, in order.
var cardColumns = []string{"number", "tier", "holder", "expires"}

// cardRows are the rows of a card import: the well-formed ones with their
// line numbers, and the errors of the others.
type cardRows struct {
	cards  []hallq.Card
	lines  []int
	errors []hallq.ImportLine
}

// parseCardCSV reads a card import. A UTF-8 byte order mark and a first row
// whose first cell is "number" (a header) are skipped; lines end in LF or
// CRLF. A row that is not valid CSV or has the wrong number of fields is
// reported by its line; the store checks the cards themselves.
func parseCardCSV(body []byte) (cardRows, error) {
	rows := cardRows{errors: []hallq.ImportLine{}}
	rd := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF"))))
	rd.FieldsPerRecord = -1
	for first := true; ; first = false {
		rec, err := rd.Read()
		var parseErr *csv.ParseError
		switch {
		case errors.Is(err, io.EOF):
			return rows, nil
		case errors.As(err, &parseErr):
			rows.fail(parseErr.StartLine, "This row is not valid CSV; check its quotation marks.")
			continue
		case err != nil:
			return cardRows{}, fmt.Errorf("reading a card import: %w", err)
		}
		line, _ := rd.FieldPos(0)
		if first && strings.EqualFold(strings.TrimSpace(rec[0]), cardColumns[0]) {
			continue
		}
		if len(rec) != len(cardColumns) {
			rows.fail(line, fmt.Sprintf("A row has %d fields (%s); this one has %d.",
				len(cardColumns), strings.Join(cardColumns, ","), len(rec)))
			continue
		}
		c := hallq.Card{Number: rec[0], Tier: strings.TrimSpace(rec[1]),
			Holder: strings.TrimSpace(rec[2]), Expires: strings.TrimSpace(rec[3])}
		rows.cards = append(rows.cards, c)
		rows.lines = append(rows.lines, line)
	}
}

// fail records a refused row.
func (rows *cardRows) fail(line int, message string) {
	rows.errors = append(rows.errors, hallq.ImportLine{Line: line, Message: message})
}

// handleCardVisits answers GET /api/v1/cards/{number or id}/visits: the
// card's tickets, newest first, with their waits, counters, ratings and
// complaints.
func (h *Handler) handleCardVisits(w http.ResponseWriter, r *http.Request) {
	visits, err := h.Cards.FindCardVisits(r.Context(), chi.URLParam(r, "number"))
	reply(w, r, http.StatusOK, visits, err)
}

// handleCardExport answers GET /api/v1/cards/export.csv: the registry as
// CSV, id,last4,tier,holder,expires, without card numbers, which the hub
// never keeps.
func (h *Handler) handleCardExport(w http.ResponseWriter, r *http.Request) {
	cards, err := h.Cards.FindCards(r.Context(), r.URL.Query().Get("q"))
	if err != nil {
		web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="hallq-cards.csv"`)
	out := csv.NewWriter(w)
	out.Write([]string{"id", "last4", "tier", "holder", "expires"})
	for _, c := range cards {
		out.Write([]string{c.ID, c.Last4, c.Tier, c.Holder, c.Expires})
	}
	out.Flush()
}
