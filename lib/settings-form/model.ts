// One entry point for the forms: the settings document and a major in, the
// sections to render, every field, and the check of edited values out.
import { isObject } from '@/lib/schemas/setting-check';
import { describeSection, fieldsOf, formSections, memoryFields, memorySection, type FormSectionName, type SettingField, type SettingNode } from './fields';
import { validateValues, type SettingIssue } from './validate';
import type { BodyValues } from './values';

export interface FormSection {
  name: FormSectionName;
  title: string;
  nodes: SettingNode[];
}

export interface SettingsModel {
  /** Sections with at least one field, in display order. */
  sections: FormSection[];
  fields: SettingField[];
  validate(edited: BodyValues, current: BodyValues): SettingIssue[];
}

/** A settings document as any upstream answers it (checked in shape by settingsDocumentSchema). */
export interface SettingsDocumentLike {
  settings: { [section: string]: unknown };
}

/** The forms of a settings document for a major (undefined: every key): the service's memory fields first, then each section. */
export function buildSettingsModel(doc: SettingsDocumentLike, major: string | undefined): SettingsModel {
  const sections: FormSection[] = [{ ...memorySection, nodes: memoryFields(doc.settings.pg).map((field) => ({ field })) }];
  for (const s of formSections) {
    const schema = doc.settings[s.name];
    if (isObject(schema)) sections.push({ name: s.name, title: s.title, nodes: describeSection(schema, s.apiField, s.title, major) });
  }
  const shown = sections.filter((s) => fieldsOf(s.nodes).length > 0);
  const fields = shown.flatMap((s) => fieldsOf(s.nodes));
  return { sections: shown, fields, validate: (edited, current) => validateValues(fields, edited, current) };
}
