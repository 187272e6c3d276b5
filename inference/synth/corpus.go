package synth

// corpus is the text the synthetic tokenizer learns its merges from: plain English about the
// project and a little code, written for ARIA, so common words become single tokens.
const corpus = `ARIA turns an ordinary computer into a node of a network that runs language models for the people who use it.
The models are ternary: every weight is minus one, zero or plus one, and one scale is shared by a whole tensor.
A matrix product with such weights needs no multiplication at all. It becomes a sum of some activations minus a sum of others,
and a plain processor does that quickly, without a graphics card. The engine reads the same files that other engines read,
checks every byte before it trusts it, and keeps the weights in memory that the operating system can page in and out.

When you type a question in the chat window, the words are cut into tokens. Each token becomes a vector, the vector passes
through the layers of the model one after the other, and at the end a score is given to every token of the vocabulary.
The sampler picks the next token from those scores, the token is shown on the screen, and the model starts again with one
more token of context. The time it takes to read the weights from memory decides how many tokens per second you see.

The network lets computers share that work. A person who does not use the machine can lend it to others with one switch,
and the node keeps a ledger of every answer it computed, for whom, how long it took and how much energy it used.
Nothing is sent without the consent of the owner; nothing is kept that the owner did not ask to keep.
Large models can be split across several machines: the first machine runs the first layers, sends the hidden state to the
second machine, which runs the next layers, and so on until the last machine computes the scores of the next token.

The quick brown fox jumps over the lazy dog. The five boxing wizards jump quickly. How vexingly quick daft zebras jump!
Once upon a time, there was a small computer in a quiet house. It was old, but it was still useful, and in the evening,
when its owner was asleep, it helped other people find answers to their questions. It did not need to be the fastest:
it only needed to be there, to be honest about what it did, and to stop when its owner needed it again.

Numbers: 0 1 2 3 4 5 6 7 8 9 10 12 16 24 32 64 100 128 256 512 1024 2048 4096 2025 2026 3.14 2.71 1.58 99.9%.
Questions and answers: What is the capital of France? The capital of France is Paris. What is two plus two? It is four.
Please write a short poem about the sea. Thank you! You are welcome. Hello, how are you today? I am fine, thank you.

def add(a, b):
    return a + b

func main() {
	fmt.Println("hello, world")
}

for i in range(10):
    print(i, i * i)

if err != nil {
	return fmt.Errorf("load model: %w", err)
}
`
