import { Route, Routes } from 'react-router';
import { MemberDetails } from './MemberDetails';
import { MembersList } from './MembersList';

/** Team members: the list at /members, one member at /members/:memberId. */
export default function MembersPage() {
  return (
    <Routes>
      <Route index element={<MembersList />} />
      <Route path=":memberId" element={<MemberDetails />} />
    </Routes>
  );
}
