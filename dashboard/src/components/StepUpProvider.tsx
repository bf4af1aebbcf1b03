import { type ReactNode, lazy, Suspense, useEffect, useRef, useState } from 'react';
import { setStepUpHandler } from '../api/client';

// The dialog (and Mantine's modal, scroll area and floating-ui with it) is rarely needed:
// it loads the first time a request asks for a step-up, not with every first page.
const StepUpDialog = lazy(() => import('./StepUpDialog'));

/**
 * The one step-up prompt. When any request answers `auth.step_up_required`, the API client
 * waits here: the person enters a TOTP or recovery code, the session is stepped up, and the
 * client sends the original request again, so nobody retypes a form.
 */
export function StepUpProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  // Mounted from the first prompt on, so that closing plays the dialog's transition.
  const [wanted, setWanted] = useState(false);
  // Several requests may need the step-up at once: they all wait for the same answer.
  const pending = useRef<{ promise: Promise<boolean>; resolve: (done: boolean) => void } | null>(null);

  useEffect(() => {
    setStepUpHandler(() => {
      if (!pending.current) {
        let resolve!: (done: boolean) => void;
        const promise = new Promise<boolean>((r) => (resolve = r));
        pending.current = { promise, resolve };
        setWanted(true);
        setOpen(true);
      }
      return pending.current.promise;
    });
    return () => setStepUpHandler(undefined);
  }, []);

  const finish = (done: boolean) => {
    pending.current?.resolve(done);
    pending.current = null;
    setOpen(false);
  };

  return (
    <>
      {children}
      {wanted ? (
        <Suspense fallback={null}>
          <StepUpDialog opened={open} onFinish={finish} />
        </Suspense>
      ) : null}
    </>
  );
}
