import { lazy } from 'react';
import { Route, Routes } from 'react-router';
import { MembersList } from './MembersList';

// The list is what most visits want: the details screen (and its pickers) load when opened.
const MemberDetails = lazy(() => import('./MemberDetails').then((module) => ({ default: module.MemberDetails })));

/** Team members: the list at /members, one member at /members/:memberId. */
export default function MembersPage() {
  return (
    <Routes>
      <Route index element={<MembersList />} />
      <Route path=":memberId" element={<MemberDetails />} />
    </Routes>
  );
}
