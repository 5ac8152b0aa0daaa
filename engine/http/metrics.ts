// POST /v2/dbaas-service-metrics/{service-name} – a service's metrics for a period.
// The sampler that feeds them runs while the API serves: started when the
// server is ready, stopped (its round in flight awaited) when it closes.
import type { FastifyInstance } from 'fastify';
import { serviceNameSchema } from '@/lib/schemas/common';
import { metricsRequestSchema } from '@/lib/schemas/metrics';
import type { Engine } from '../domain/engine';
import { serviceMetrics } from '../domain/metrics';
import { MetricsSampler } from '../domain/metrics-sampler';
import { addRoute } from './route';

export function metricsRoutes(app: FastifyInstance, engine: Engine): void {
  const sampler = new MetricsSampler(engine);
  app.addHook('onReady', async () => sampler.start());
  app.addHook('onClose', async () => {
    await sampler.stop();
    engine.metrics.close();
  });

  addRoute(app, engine, {
    method: 'POST',
    url: '/v2/dbaas-service-metrics/:name',
    permission: 'read',
    params: { name: serviceNameSchema },
    handler: (ctx) => serviceMetrics(engine, ctx.params.name, ctx.body(metricsRequestSchema).period),
  });
}
