// `vmmsim schema`: print the scenario JSON Schema (for editors; the copy in
// scenarios/scenario.schema.json is kept equal to this by a test).
import { Command } from 'commander';
import { z } from 'zod';
import { ScenarioSchema } from '../../config/scenarioSchema.js';

/** The scenario JSON Schema as text. */
export function scenarioJsonSchema(): string {
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input', unrepresentable: 'any' });
  return JSON.stringify({ ...schema, title: 'vmmsim scenario' }, null, 2) + '\n';
}

/** The `schema` command. */
export function schemaCommand(): Command {
  return new Command('schema')
    .description('print the JSON Schema of scenario files (editors can point at scenarios/scenario.schema.json)')
    .action(() => {
      process.stdout.write(scenarioJsonSchema());
    });
}
