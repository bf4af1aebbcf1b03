import { Route, Routes } from 'react-router';
import { RoleEditor } from './RoleEditor';
import { RoleList } from './RoleList';

/** Roles: the list, and the matrix editor for a new or an existing custom role. */
export default function RolesPage() {
  return (
    <Routes>
      <Route index element={<RoleList />} />
      <Route path="new" element={<RoleEditor />} />
      <Route path=":roleId" element={<RoleEditor />} />
    </Routes>
  );
}
