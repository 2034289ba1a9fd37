/** Runs the civil status subgraph alone (one container in docker-compose.yml). */
import { runService } from '../../lib/service-runtime';
import { civilStatusModule } from './module';

void runService(civilStatusModule);
