import { describe, expect, it } from 'vitest';
import { accessCells, cellText, userDatabaseUri } from './grid';

describe('the access grid', () => {
  const cell = accessCells({
    databases: ['defaultdb', 'orders'],
    users: ['avnadmin', 'app'],
    admin: 'avnadmin',
    access: [
      { database: 'orders', username: 'app', level: 'read', partial: true },
      { database: 'defaultdb', username: 'app', level: 'read-write', partial: false },
    ],
  });

  it('finds each cell, a pair not listed having no access', () => {
    expect(cell('app', 'orders')).toEqual({ level: 'read', partial: true });
    expect(cell('app', 'defaultdb')).toEqual({ level: 'read-write', partial: false });
    expect(cell('avnadmin', 'orders')).toEqual({ level: 'none', partial: false });
  });

  it('marks a level held with more grants than it', () => {
    expect(cellText(cell('app', 'orders'))).toBe('Read +');
    expect(cellText(cell('app', 'defaultdb'))).toBe('Read & write');
  });
});

describe('userDatabaseUri', () => {
  it('names the user and the database in the service URI, keeping host, port and parameters', () => {
    expect(userDatabaseUri('postgres://avnadmin@127.0.0.1:21000/defaultdb?sslmode=require', 'app', 'orders')).toBe(
      'postgres://app@127.0.0.1:21000/orders?sslmode=require',
    );
    expect(userDatabaseUri('postgres://avnadmin:secret@[::1]:5432/defaultdb?sslmode=require', 'a@b', 'my db')).toBe(
      'postgres://a%40b@[::1]:5432/my%20db?sslmode=require',
    );
    expect(userDatabaseUri('', 'app', 'orders')).toBe('');
  });
});
