import { useEffect, useRef, useState } from 'react';
import type { Client } from '../api/client';
import type { ModelsResponse, Policy } from '../api/types';
import { ModelChoice, type ModelClient } from './ModelChoice';
import '../styles/shell.css';

export type WelcomeClient = ModelClient & Pick<Client, 'policy' | 'setPolicy'>;

export interface WelcomeProps {
  client: WelcomeClient;
  models: ModelsResponse;
  /** the loaded model's id, if any */
  loaded: string | null;
  /** onChanged asks the app to read the node again (a model was loaded) */
  onChanged(): void;
  /** onDone ends the setup (finished or skipped): the app records it and opens the chat */
  onDone(how: 'finished' | 'skipped'): void;
}

const steps = ['Welcome', 'Model', 'Contribution', 'Privacy'] as const;
type Step = 0 | 1 | 2 | 3;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Welcome is the first-run setup: welcome → model → contribution (off unless switched on here)
 * → privacy summary → chat. Every step can be skipped; each new step's heading takes the focus,
 * so that a screen reader reads it and Tab goes on from there.
 */
export function Welcome({ client, models, loaded, onChanged, onDone }: WelcomeProps) {
  const [step, setStep] = useState<Step>(0);
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [policyError, setPolicyError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    client.policy().then((p) => live && setPolicy(p.policy), (e) => live && setPolicyError(message(e)));
    return () => {
      live = false;
    };
  }, [client]);
  useEffect(() => {
    // The first heading too: the setup is all there is on the screen.
    heading.current?.focus();
  }, [step]);

  const toggle = async () => {
    if (!policy || saving) return;
    setSaving(true);
    setPolicyError(null);
    try {
      setPolicy((await client.setPolicy({ ...policy, contribute: !policy.contribute })).policy);
    } catch (e) {
      setPolicyError(message(e));
    } finally {
      setSaving(false);
    }
  };
  const go = (s: Step) => () => setStep(s);
  const contributing = policy?.contribute ?? false;

  return (
    <section className="wizard" aria-labelledby="wizard-title" data-testid="first-run">
      <ol className="steps" aria-label="Setup steps">
        {steps.map((s, i) => (
          <li key={s} aria-current={i === step ? 'step' : undefined}>{i + 1}. {s}</li>
        ))}
      </ol>
      {step === 0 && (
        <>
          <h2 id="wizard-title" ref={heading} tabIndex={-1}>Welcome to ARIA</h2>
          <p>ARIA runs ternary (1.58-bit) language models on this computer's processor, with no graphics card and no
            account. Three short steps: a model to talk to, whether to lend this computer to other ARIA users, and what
            stays private. Everything can be changed later in Settings.</p>
          <div className="wizard-actions">
            <button className="primary" data-testid="wizard-next" onClick={go(1)}>Start the setup</button>
            <button className="skip" data-testid="wizard-skip" onClick={() => onDone('skipped')}>Skip the setup</button>
          </div>
        </>
      )}
      {step === 1 && (
        <>
          <h2 id="wizard-title" ref={heading} tabIndex={-1}>Choose a model</h2>
          <ModelChoice client={client} models={models} loaded={loaded} onChanged={onChanged} />
          {!loaded && <p className="meta">You can also go on without one and pick it later on the Models page.</p>}
          <div className="wizard-actions">
            <button data-testid="wizard-back" onClick={go(0)}>Back</button>
            <button className="primary" data-testid="wizard-next" onClick={go(2)}>Next: contribution</button>
            <button className="skip" data-testid="wizard-skip" onClick={() => onDone('skipped')}>Skip the setup</button>
          </div>
        </>
      )}
      {step === 2 && (
        <>
          <h2 id="wizard-title" ref={heading} tabIndex={-1}>Lend this computer to the network?</h2>
          <p>ARIA nodes can run parts of each other's requests: a whole answer, or some layers of a model when the
            model is split over several computers. When you contribute, peers' work runs here within limits you set (a
            share of the processor, hours, never on battery); every piece of it is recorded, signed, in the Ledger.</p>
          <p>It is <strong>off</strong> unless you switch it on. Your own requests run either way.</p>
          <div className="card">
            <button role="switch" aria-checked={contributing} className="switch" data-testid="wizard-contribute"
              aria-describedby="wizard-contribute-state" onClick={() => void toggle()}>
              <span className="knob" aria-hidden="true" />
              Contribute to the network
            </button>
            <p id="wizard-contribute-state" className="meta" data-testid="wizard-contribute-state">
              {policy === null && !policyError ? 'Reading the current setting…'
                : contributing ? 'On: peers may run work here within the limits in Settings.' : 'Off: peers cannot use this computer.'}
            </p>
            {policyError && <p role="alert" className="error">{policyError}</p>}
          </div>
          <div className="wizard-actions">
            <button data-testid="wizard-back" onClick={go(1)}>Back</button>
            <button className="primary" data-testid="wizard-next" onClick={go(3)}>Next: privacy</button>
            <button className="skip" data-testid="wizard-skip" onClick={() => onDone('skipped')}>Skip the setup</button>
          </div>
        </>
      )}
      {step === 3 && (
        <>
          <h2 id="wizard-title" ref={heading} tabIndex={-1}>What stays on this computer</h2>
          <ul className="plain" data-testid="privacy-summary">
            <li>Your chats, memories and the ledger are files in ARIA's data folder on this computer. Nothing is sent to
              a company; there is no account and no telemetry.</li>
            <li>Your requests run here. They go to peers only if you choose another route on the Peers page (a peer then
              sees the text it works on); chats with memory stay here whatever the route.</li>
            <li data-testid="privacy-contribution">
              {contributing
                ? 'You contribute: peers may send work to this computer and see the text of that work, within your limits.'
                : 'You do not contribute: peers cannot run work on this computer.'}
            </li>
            <li>The network sees this node's peer ID and addresses. Models are downloaded from Hugging Face only when you
              ask for one.</li>
            <li>Starting at login and looking for updates are off until you switch them on in Settings.</li>
          </ul>
          <div className="wizard-actions">
            <button data-testid="wizard-back" onClick={go(2)}>Back</button>
            <button className="primary" data-testid="wizard-finish" onClick={() => onDone('finished')}>Start chatting</button>
          </div>
        </>
      )}
    </section>
  );
}
