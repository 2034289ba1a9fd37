/** Runs the land subgraph alone (one container in docker-compose.yml). */
import { runService } from '../../lib/service-runtime';
import { landModule } from './module';

void runService(landModule);
