import { App } from 'cdktf';
import { InvoicesStack } from './existing-estate';
import { ShopMeshStack } from './shop-mesh';

const app = new App();
new ShopMeshStack(app, 'shop');
new InvoicesStack(app, 'invoices');
app.synth();
