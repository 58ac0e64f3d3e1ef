/** Setpoint adapter that publishes the setpoints as JSON on an MQTT topic (QoS 1, retained). */
import mqtt, { type MqttClient } from 'mqtt';
import type { SiteSetpoints } from '../../../respond/setpoints.ts';
import type { SetpointAdapter } from './types.ts';

/** Publishes on `<prefix>/<site>/setpoints` (default prefix `wattshift`), retained so a late controller gets the last. */
export class MqttAdapter implements SetpointAdapter {
  readonly name = 'mqtt';
  private client: MqttClient | undefined;
  constructor(private readonly url: string, private readonly opts: { prefix?: string; username?: string; password?: string } = {}) {}

  async publish(sp: SiteSetpoints): Promise<void> {
    this.client ??= await mqtt.connectAsync(this.url, { username: this.opts.username, password: this.opts.password, reconnectPeriod: 1000 });
    await this.client.publishAsync(`${this.opts.prefix ?? 'wattshift'}/${sp.site}/setpoints`, JSON.stringify(sp), { qos: 1, retain: true });
  }

  async close(): Promise<void> {
    await this.client?.endAsync();
  }
}
