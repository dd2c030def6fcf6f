import { render } from 'preact';
import { App } from './app';
import './styles.css';

const root = document.getElementById('app')!;
// The "Loading…" placeholder goes: render() keeps what is already in its container.
root.textContent = '';
render(<App />, root);
