package chat

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Known template sources, byte for byte as they appear in GGUF files.
// The \n inside them are Jinja string escapes, hence raw Go strings.
const (
	// Meta-Llama-3-*-Instruct.
	llama3Source = `{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}`

	// microsoft/bitnet-b1.58-2B-4T (official GGUF).
	bitnetSource = `{% for message in messages %}{% if loop.first and message['role'] != 'system' %}{{ bos_token }}{% endif %}{% if message['role'] == 'system' %}{{ bos_token + 'System: ' + message['content'] | trim + '<|eot_id|>' }}{% elif message['role'] == 'user' %}{{ 'User: ' + message['content'] | trim + '<|eot_id|>' }}{% elif message['role'] == 'assistant' %}{{ 'Assistant: ' + message['content'] | trim + '<|eot_id|>' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ 'Assistant: ' }}{% endif %}`

	// The common ChatML template (OpenHermes and many fine-tunes).
	chatmlSource = `{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}`
)

// llama3BOS is the BOS text that makes the empty-template default pick the
// LLaMA-3 format: a model with that vocabulary was trained on it.
const llama3BOS = "<|begin_of_text|>"

// exactMatch recognises a known template by its whole source, ignoring only
// leading and trailing white space (converters differ in a final newline).
func exactMatch(src string) (string, renderFunc, bool) {
	switch strings.TrimSpace(src) {
	case llama3Source:
		return NameLlama3, renderLlama3, true
	case bitnetSource:
		return NameBitNet, renderBitNet, true
	case chatmlSource:
		return NameChatML, renderChatML, true
	}
	return "", nil, false
}

// detectFamily guesses the family from characteristic substrings, as
// llama.cpp's llm_chat_detect_template does. New uses it only when the
// Jinja engine has failed, as a best effort.
func detectFamily(src string) (string, renderFunc, bool) {
	has := func(s string) bool { return strings.Contains(src, s) }
	switch {
	// <|im_sep|> (Phi-4) and <end_of_utterance> (SmolVLM) use the ChatML
	// markers in a different layout, as llama.cpp also distinguishes.
	case has("<|im_start|>") && !has("<|im_sep|>") && !has("<end_of_utterance>"):
		return NameChatML, renderChatML, true
	case has("<|start_header_id|>") && has("<|end_header_id|>"):
		return NameLlama3, renderLlama3, true
	// BitNet 2B4T borrows LLaMA-3's <|eot_id|> without its headers; the
	// plain-text role prefixes tell it from other <|eot_id|> users.
	case has("<|eot_id|>") && has("'User: '") && has("'Assistant: '"):
		return NameBitNet, renderBitNet, true
	}
	return "", nil, false
}

// renderLlama3 mirrors llama3Source: every message, whatever its role, as a
// header block with trimmed content; BOS before the first message.
func renderLlama3(b *strings.Builder, msgs []Message, addGenerationPrompt bool, bos string) {
	for i, m := range msgs {
		if i == 0 {
			b.WriteString(bos)
		}
		b.WriteString("<|start_header_id|>")
		b.WriteString(m.Role)
		b.WriteString("<|end_header_id|>\n\n")
		b.WriteString(trim(m.Content))
		b.WriteString("<|eot_id|>")
	}
	if addGenerationPrompt {
		b.WriteString("<|start_header_id|>assistant<|end_header_id|>\n\n")
	}
}

// renderBitNet mirrors bitnetSource, quirks included: every system message
// carries its own BOS (the first message gets one either way), and roles
// other than system/user/assistant are dropped.
func renderBitNet(b *strings.Builder, msgs []Message, addGenerationPrompt bool, bos string) {
	for i, m := range msgs {
		if i == 0 && m.Role != "system" {
			b.WriteString(bos)
		}
		switch m.Role {
		case "system":
			b.WriteString(bos)
			b.WriteString("System: ")
		case "user":
			b.WriteString("User: ")
		case "assistant":
			b.WriteString("Assistant: ")
		default:
			continue
		}
		b.WriteString(trim(m.Content))
		b.WriteString("<|eot_id|>")
	}
	if addGenerationPrompt {
		b.WriteString("Assistant: ")
	}
}

// renderChatML mirrors chatmlSource; ChatML does not trim content.
func renderChatML(b *strings.Builder, msgs []Message, addGenerationPrompt bool, _ string) {
	for _, m := range msgs {
		b.WriteString("<|im_start|>")
		b.WriteString(m.Role)
		b.WriteString("\n")
		b.WriteString(m.Content)
		b.WriteString("<|im_end|>\n")
	}
	if addGenerationPrompt {
		b.WriteString("<|im_start|>assistant\n")
	}
}

// defaultRenderer is used when the model ships no template. A model whose
// BOS is <|begin_of_text|> has the LLaMA-3 vocabulary and was almost surely
// tuned on its format. Otherwise a plain transcript:
//
//	System: …
//	User: …
//	Assistant:
//
// after the BOS text (if the model has one): one "Role: content" line per
// message (role capitalised, content trimmed) and "Assistant:" as the
// generation prompt. BOS is written because callers tokenize the rendered
// text without adding their own (templates write BOS when they want it);
// pass an empty bos to New for a model that must not get one.
func defaultRenderer(bos string) renderFunc {
	if bos == llama3BOS {
		return renderLlama3
	}
	return renderPlain
}

func renderPlain(b *strings.Builder, msgs []Message, addGenerationPrompt bool, bos string) {
	b.WriteString(bos)
	for _, m := range msgs {
		b.WriteString(capitalise(m.Role))
		b.WriteString(": ")
		b.WriteString(trim(m.Content))
		b.WriteString("\n")
	}
	if addGenerationPrompt {
		b.WriteString("Assistant:")
	}
}

// trim matches the Jinja engine's trim filter (strings.TrimSpace), which the
// native renderers must agree with byte for byte.
func trim(s string) string { return strings.TrimSpace(s) }

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
