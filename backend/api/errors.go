package api

import (
	"encoding/json"
	"net/http"
)

// apiError is OpenAI's error object.
type apiError struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

// Error types, as OpenAI names them.
const (
	typeInvalid  = "invalid_request_error"
	typeNotFound = "not_found_error"
	typeServer   = "server_error"
	typeRate     = "rate_limit_error"
	typeAuth     = "authentication_error"
	typeOverload = "service_unavailable_error"
)

func strp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// writeError writes an OpenAI-shaped error with the given status.
func writeError(w http.ResponseWriter, status int, typ, code, param, msg string) {
	writeJSON(w, status, map[string]apiError{"error": {Message: msg, Type: typ, Param: strp(param), Code: strp(code)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
