package wechatpaytest

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// profitSharingState is the emulator's state of global profit sharing:
// orders, transactions with their unsplit amounts, receiver relationships, the requests that created orders (for
// re-entrancy and the PROCESSING → FINISHED move) and bill tokens. It is
// guarded by Server.mu.
type profitSharingState struct {
	orders    map[string]ProfitSharingOrder
	txs       map[string]*psTransaction
	relations map[psRelationKey]ProfitSharingRelation
	requests  map[string]*psRequest // out_order_no → the request that created the order
	bills     map[string]psBill     // token → bill
	seq       int
}

func newProfitSharingState() *profitSharingState {
	return &profitSharingState{
		orders:    map[string]ProfitSharingOrder{},
		txs:       map[string]*psTransaction{},
		relations: map[psRelationKey]ProfitSharingRelation{},
		requests:  map[string]*psRequest{},
		bills:     map[string]psBill{},
	}
}

type psTransaction struct {
	ProfitSharingTransaction
	orders   int  // distribution requests made
	finished bool // unfrozen: nothing more may be distributed
}

type psRelationKey struct{ subMchID, account string }

// psRequest is an accepted distribution or unfreeze request: its
// comparable form (names decrypted) and whether its order is still to
// finish.
type psRequest struct {
	key     string
	pending bool
}

type psBill struct {
	subMchID string
	date     string // YYYY-MM-DD
	expires  time.Time
}

// maxPSOrdersPerTransaction is the documented limit of distribution
// requests per transaction.
const maxPSOrdersPerTransaction = 50

// nextID returns a new numeric id with prefix p; s.mu is held.
func (s *Server) psNextID(p string) string {
	s.ps.seq++
	return p + s.now().In(beijing).Format("20060102150405") + strconv.FormatInt(int64(1_000_000_000+s.ps.seq), 10)
}

// finishProfitSharingOrder moves an order the emulator created from
// PROCESSING to FINISHED, on its first query: each PENDING detail becomes
// SUCCESS, or CLOSED with NO_RELATION when its receiver was deleted
// meanwhile. s.mu is held.
func (s *Server) finishProfitSharingOrder(no string) {
	req, ok := s.ps.requests[no]
	if !ok || !req.pending {
		return
	}
	req.pending = false
	o := s.ps.orders[no]
	o.Receivers = slices.Clone(o.Receivers) // answers in flight read the old slice
	now := s.now()
	for i := range o.Receivers {
		rc := &o.Receivers[i]
		if rc.Result != "PENDING" {
			continue
		}
		rc.Result, rc.FinishTime = "SUCCESS", now
		if rc.DetailType == "DISTRIBUTE_TO_OTHERS" {
			if _, ok := s.ps.relations[psRelationKey{o.SubMchID, rc.Account}]; !ok {
				rc.Result, rc.FailReason = "CLOSED", "NO_RELATION"
			}
		}
	}
	o.State = "FINISHED"
	s.ps.orders[no] = o
}

// psParty is the receiver a relationship request (add, delete) names.
type psParty struct {
	SubMchID string `json:"sub_mchid"`
	AppID    string `json:"appid"`
	SubAppID string `json:"sub_appid"`
	Type     string `json:"type"`
	Account  string `json:"account"`
}

// check checks the fields of the party.
func (p *psParty) check() *ErrorAnswer {
	return cmp.Or(checkFields("body", field{name: "/sub_mchid", value: p.SubMchID, max: 32}),
		checkPSParty("/", p.Type, p.Account, p.AppID, p.SubAppID))
}
